import { createHash } from "node:crypto";
import { open } from "node:fs/promises";

const CHUNK = 8 * 1024 * 1024;

/**
 * The original's `sha1_quick` slide fingerprint (SPEC §2): SHA-1 of the first 8 MiB, then (for larger
 * files) the last 8 MiB, then the decimal size; returned as `"QSHA1:<hex>"`. Cheap on 2 GB slides,
 * and it changes when a file is replaced.
 */
export async function quickFingerprint(path: string): Promise<{ fingerprint: string; sizeBytes: number }> {
  const handle = await open(path, "r");
  try {
    const { size } = await handle.stat();
    const hash = createHash("sha1");
    const head = Buffer.alloc(Math.min(CHUNK, size));
    await handle.read(head, 0, head.length, 0);
    hash.update(head);
    if (size > CHUNK) {
      const tail = Buffer.alloc(CHUNK);
      await handle.read(tail, 0, CHUNK, size - CHUNK);
      hash.update(tail);
    }
    hash.update(String(size), "utf8");
    return { fingerprint: `QSHA1:${hash.digest("hex")}`, sizeBytes: size };
  } finally {
    await handle.close();
  }
}
