import { mkdir, readdir, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { writeJsonAtomic } from "../io/atomic";

/** Written in `weights/`: which inputs and settings the checkpoints there belong to. */
export const PRETRAIN_RUN_FILE = "pretrain-run.json";

/**
 * Whether the checkpoints in `weightsDir` may be resumed: only when they were written for the same inputs
 * and settings (`key`). Otherwise (a stale run: other features, epochs, depth…) they are removed first and
 * the key recorded, so pretraining starts from scratch, and a kill after that resumes the new run.
 */
export async function prepareWeightsDir(weightsDir: string, key: string): Promise<{ resume: boolean; removed: number }> {
  const file = join(weightsDir, PRETRAIN_RUN_FILE);
  let previous: string | undefined;
  try {
    previous = (JSON.parse(await readFile(file, "utf8")) as { key?: string }).key;
  } catch {
    previous = undefined;
  }
  if (previous === key) return { resume: true, removed: 0 };
  await mkdir(weightsDir, { recursive: true });
  const entries = (await readdir(weightsDir)).filter((e) => e !== PRETRAIN_RUN_FILE);
  for (const e of entries) await rm(join(weightsDir, e), { recursive: true, force: true });
  await writeJsonAtomic(file, { key, writtenAt: new Date().toISOString() });
  return { resume: false, removed: entries.length };
}
