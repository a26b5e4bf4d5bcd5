import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll } from "vitest";

const made: string[] = [];
// workspaces and synthetic cohorts are large: remove them when the test file is done
afterAll(async () => {
  await Promise.all(made.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

/** A fresh temp folder, removed after the test file's last test. */
export async function tempDir(prefix = "osfm-reproduce-"): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
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
