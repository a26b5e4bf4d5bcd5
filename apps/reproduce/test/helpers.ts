import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

/** A fresh temp folder for one test. */
export async function tempDir(prefix = "osfm-reproduce-"): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

/** Writes files (path → content) under root, creating folders. */
export async function writeTree(root: string, files: Record<string, string | Uint8Array>): Promise<void> {
  for (const [rel, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, rel)), { recursive: true });
    await writeFile(join(root, rel), content);
  }
}

/** A sink that collects written text. */
export function bufferSink(): { write(t: string): boolean; text(): string } {
  const parts: string[] = [];
  return { write: (t: string) => (parts.push(t), true), text: () => parts.join("") };
}
