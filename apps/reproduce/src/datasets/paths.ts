import { readdir, realpath } from "node:fs/promises";
import { extname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { ReproduceError } from "../errors";

/** File extensions of whole-slide images (compared in lower case), as NB01/NB02 glob them (plus `.tiff`). */
export const SLIDE_EXTENSIONS = new Set([".svs", ".tif", ".tiff", ".ndpi", ".mrxs", ".scn"]);

/** True when `name` has a slide extension. */
export function isSlideFile(name: string): boolean {
  return SLIDE_EXTENSIONS.has(extname(name).toLowerCase());
}

/** Recursively lists files under `dir` (sorted, relative paths with "/"), skipping hidden entries. */
export async function listFiles(dir: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  const entries = await readdir(join(dir, prefix), { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    if (e.name.startsWith(".")) continue;
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await listFiles(dir, rel)));
    else if (e.isFile() || e.isSymbolicLink()) out.push(rel);
  }
  return out;
}

/**
 * Resolves a path taken from a CSV against `root` and refuses anything that lands outside it
 * (absolute paths, `..`, symlinks pointing elsewhere): CSVs are data, not instructions.
 */
export async function resolveInside(root: string, fromCsv: string, csvPath: string): Promise<string> {
  const bad = () =>
    new ReproduceError("path-outside-data", `${csvPath}: path "${fromCsv}" resolves outside the data folder ${root}`, { path: csvPath });
  if (isAbsolute(fromCsv) || fromCsv.includes("\0")) throw bad();
  const full = resolve(root, fromCsv);
  const rel = relative(root, full);
  if (rel === "" || rel.startsWith("..") || isAbsolute(rel)) throw bad();
  try {
    const [realRoot, realFull] = await Promise.all([realpath(root), realpath(full)]);
    if (realFull !== realRoot && !realFull.startsWith(realRoot + sep)) throw bad();
  } catch (error) {
    if (error instanceof ReproduceError) throw error;
    // a missing file is reported by the caller; the lexical check above already passed
  }
  return full;
}
