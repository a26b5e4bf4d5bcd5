import { randomBytes } from "node:crypto";
import { mkdir, readdir, rename, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

/** Suffix of every temporary file, so a crashed run's leftovers can be recognised and removed. */
export const TEMP_MARK = ".osfm-tmp-";

/** A temporary name beside `path` (same folder, so the final rename is atomic on POSIX). */
export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}${TEMP_MARK}${process.pid}-${randomBytes(4).toString("hex")}`);
}

/**
 * Writes `data` to `path` atomically: a temp file in the same folder, then rename.
 * A reader (or a run killed with -9) sees either the old file or the whole new one, never half.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = tempPathFor(path);
  try {
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
}

/** {@link writeFileAtomic} for JSON, pretty-printed with a final newline. */
export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
}

/**
 * Produces a whole folder atomically: `fill` writes into a temp folder which then replaces `dir`.
 * Used by adapters that hand a folder path to a package (which writes several files).
 */
export async function writeDirAtomic(dir: string, fill: (tmpDir: string) => Promise<void>): Promise<void> {
  await mkdir(dirname(dir), { recursive: true });
  const tmp = tempPathFor(dir);
  await mkdir(tmp, { recursive: true });
  try {
    await fill(tmp);
    await rm(dir, { recursive: true, force: true });
    await rename(tmp, dir);
  } catch (error) {
    await rm(tmp, { recursive: true, force: true });
    throw error;
  }
}

/** True when the process that made this temp file is still running (a concurrent shard): leave it alone. */
function ownerAlive(name: string): boolean {
  const pid = Number(/osfm-tmp-(\d+)-/.exec(name)?.[1]);
  if (!pid || pid === process.pid) return pid === process.pid;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Removes temp files left by killed runs under `dir` (recursively); returns how many. */
export async function removeStaleTemps(dir: string): Promise<number> {
  let removed = 0;
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    const full = join(dir, entry.name);
    if (entry.name.includes(TEMP_MARK)) {
      if (ownerAlive(entry.name)) continue;
      await rm(full, { recursive: true, force: true });
      removed++;
    } else if (entry.isDirectory() && entry.name !== "demo-data") {
      removed += await removeStaleTemps(full);
    }
  }
  return removed;
}
