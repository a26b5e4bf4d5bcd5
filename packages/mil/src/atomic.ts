import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";

/** Writes `data` to `file` through a temp file and a rename, so a crash never leaves a half-written file. */
export async function writeAtomic(file: string, data: Uint8Array | string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}-${Date.now()}`;
  try {
    await writeFile(tmp, data);
    await rename(tmp, file);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
}
