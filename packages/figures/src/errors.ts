import type { InputIssue } from "./inputs/validate.js";

/** Why a figure input could not be used. */
export type FigureInputErrorCode = "UNKNOWN_FIGURE" | "UNREADABLE" | "NOT_JSON" | "INVALID";

/** A figure input file that is unreadable, not JSON, or not of the documented shape; carries every issue found. */
export class FigureInputError extends Error {
  override readonly name = "FigureInputError";
  constructor(
    message: string,
    readonly code: FigureInputErrorCode,
    /** Workspace-relative path of the file, when one is involved. */
    readonly file: string | undefined,
    readonly issues: readonly InputIssue[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Formats up to `max` issues as "path: expected X, found Y" lines. */
export function formatIssues(issues: readonly InputIssue[], max = 5): string {
  const lines = issues.slice(0, max).map((i) => `${i.path}: expected ${i.expected}, found ${i.found}`);
  if (issues.length > max) lines.push(`… and ${issues.length - max} more`);
  return lines.join("; ");
}
