import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { parseCsv } from "../io/csv";
import { readArrowRows } from "../io/table";

/** JSON file content, or undefined if absent/unreadable. */
export async function readJson<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(path, "utf8")) as T;
  } catch {
    return undefined;
  }
}

/** Arrow rows, or undefined. */
export async function readArrow(path: string): Promise<Record<string, unknown>[] | undefined> {
  try {
    return await readArrowRows(path);
  } catch {
    return undefined;
  }
}

/** CSV rows, or undefined. */
export async function readCsvRows(path: string): Promise<Record<string, string>[] | undefined> {
  try {
    return parseCsv(await readFile(path, "utf8")).rows;
  } catch {
    return undefined;
  }
}

/** File bytes, or undefined. */
export async function readBytes(path: string): Promise<Uint8Array | undefined> {
  try {
    return await readFile(path);
  } catch {
    return undefined;
  }
}

/** Sorted file names in a folder with one of the extensions, or []. */
export async function listNames(dir: string, exts: readonly string[]): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((n) => !n.startsWith(".") && exts.some((e) => n.toLowerCase().endsWith(e))).sort();
  } catch {
    return [];
  }
}

/** Sub-folder names, or []. */
export async function listDirs(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { withFileTypes: true })).filter((d) => d.isDirectory() && !d.name.startsWith(".")).map((d) => d.name).sort();
  } catch {
    return [];
  }
}

export { join };
