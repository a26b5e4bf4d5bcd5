import { mkdir, rm, stat } from "node:fs/promises";

/** Options of {@link withLock}. */
export interface LockOptions {
  /** Give up after this long. @default 60000 */
  timeoutMs?: number;
  /** A lock older than this is assumed to belong to a killed process and is broken. @default 30000 */
  staleMs?: number;
}

/**
 * Runs `fn` while holding a lock folder `<path>.lock` (mkdir is atomic), so shard processes that
 * share a workspace can read-modify-write one file (the passport) without losing each other's records.
 */
export async function withLock<T>(path: string, fn: () => Promise<T>, options: LockOptions = {}): Promise<T> {
  const { timeoutMs = 60_000, staleMs = 30_000 } = options;
  const lock = `${path}.lock`;
  const start = Date.now();
  for (;;) {
    try {
      await mkdir(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const info = await stat(lock).catch(() => undefined);
      if (info && Date.now() - info.mtimeMs > staleMs) {
        await rm(lock, { recursive: true, force: true });
        continue;
      }
      if (Date.now() - start > timeoutMs) throw new Error(`could not lock ${path} within ${timeoutMs} ms (remove ${lock} if no run is active)`);
      await new Promise((r) => setTimeout(r, 20 + Math.random() * 40));
    }
  }
  try {
    return await fn();
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}
