import { access, readFile } from "node:fs/promises";
import path from "node:path";
import { FigureInputError, formatIssues } from "./errors.js";
import { INPUT_FILES, type InputFileKey } from "./inputs/files.js";
import { runCheck, type Check } from "./inputs/validate.js";
import { FIGURE_IDS, figures, type FigureId } from "./registry.js";

/** Outcome for one figure of a workspace: its SVG, or why it was skipped. */
export type WorkspaceFigure =
  | { id: FigureId; status: "rendered"; svg: string; files: string[] }
  | { id: FigureId; status: "skipped"; reason: string; missing: string[] }
  | { id: FigureId; status: "invalid"; reason: string; error: FigureInputError };

/** Options of {@link renderWorkspace}. */
export interface RenderWorkspaceOptions {
  /** Render only these ids. @default every id in FIGURE_IDS */
  ids?: readonly FigureId[];
  /** Called after each figure (for progress output in apps). */
  onFigure?: (result: WorkspaceFigure) => void;
}

async function readJson(root: string, key: InputFileKey, cache: Map<InputFileKey, unknown>): Promise<unknown> {
  if (cache.has(key)) return cache.get(key);
  const rel = INPUT_FILES[key].path;
  let text: string;
  try {
    text = await readFile(path.join(root, rel), "utf8");
  } catch (cause) {
    throw new FigureInputError(`Cannot read ${rel}`, "UNREADABLE", rel, [], { cause });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new FigureInputError(`${rel} is not valid JSON: ${(cause as Error).message}`, "NOT_JSON", rel, [], { cause });
  }
  const issues = runCheck(INPUT_FILES[key].check as Check<unknown>, value);
  if (issues.length > 0) throw new FigureInputError(`${rel} does not have the documented shape: ${formatIssues(issues)}`, "INVALID", rel, issues);
  cache.set(key, value);
  return value;
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}

/**
 * Renders every figure whose input files exist under the workspace root `root` (paths as in the
 * README "Figure inputs" table). Figures with a missing file are skipped (with the missing paths);
 * files that are unreadable, not JSON or of the wrong shape give an "invalid" result. Never throws
 * for a figure's input; each file is read and validated once.
 */
export async function renderWorkspace(root: string, options: RenderWorkspaceOptions = {}): Promise<WorkspaceFigure[]> {
  const { ids = FIGURE_IDS, onFigure } = options;
  const cache = new Map<InputFileKey, unknown>();
  const out: WorkspaceFigure[] = [];
  for (const id of ids) {
    const d = figures.get(id);
    if (!d) continue;
    const paths = d.files.map((k) => INPUT_FILES[k].path);
    const missing: string[] = [];
    for (const p of paths) if (!(await exists(path.join(root, p)))) missing.push(p);
    let result: WorkspaceFigure;
    if (missing.length > 0) {
      result = { id, status: "skipped", reason: `missing ${missing.join(", ")}`, missing };
    } else {
      try {
        const values = await Promise.all(d.files.map((k) => readJson(root, k, cache)));
        const input = d.files.length === 1 ? values[0] : Object.fromEntries(d.files.map((k, i) => [k, values[i]]));
        result = { id, status: "rendered", svg: d.render(input), files: paths };
      } catch (e) {
        if (!(e instanceof FigureInputError)) throw e;
        result = { id, status: "invalid", reason: e.message, error: e };
      }
    }
    out.push(result);
    onFigure?.(result);
  }
  return out;
}
