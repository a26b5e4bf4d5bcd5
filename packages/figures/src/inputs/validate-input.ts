import { FigureInputError, formatIssues } from "../errors.js";
import { figures, type FigureId } from "../registry.js";
import { INPUT_FILES } from "./files.js";
import { runCheck, type Check, type InputIssue } from "./validate.js";

/**
 * Checks `input` against the documented shape of figure `id`'s input (see README "Figure inputs").
 * Returns every issue with its JSON path (prefixed by the file key for multi-file figures); [] = valid.
 */
export function validateFigureInput(id: FigureId, input: unknown): InputIssue[] {
  const d = figures.get(id);
  if (!d) return [{ path: "$", expected: "a registered figure id", found: JSON.stringify(id) }];
  if (d.files.length === 1) return runCheck(INPUT_FILES[d.files[0] as keyof typeof INPUT_FILES].check as Check<unknown>, input);
  const issues: InputIssue[] = [];
  const o = (typeof input === "object" && input !== null ? input : {}) as Record<string, unknown>;
  for (const k of d.files) {
    for (const i of runCheck(INPUT_FILES[k].check as Check<unknown>, o[k])) issues.push({ ...i, path: `${k}${i.path.slice(1)}` });
  }
  return issues;
}

/**
 * Validates, then renders figure `id` to an SVG string. Throws {@link FigureInputError} (code
 * "INVALID", every issue attached) when the input is not of the documented shape.
 */
export function renderFigure(id: FigureId, input: unknown): string {
  const d = figures.get(id);
  if (!d) throw new FigureInputError(`Unknown figure id ${JSON.stringify(id)}`, "UNKNOWN_FIGURE", undefined);
  const issues = validateFigureInput(id, input);
  if (issues.length > 0) {
    throw new FigureInputError(`Invalid input for figure ${id}: ${formatIssues(issues)}`, "INVALID", d.files.map((k) => INPUT_FILES[k].path).join(", "), issues);
  }
  return d.render(input);
}
