import { createHash } from "node:crypto";
import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { parseSafetensors } from "@osfm/nn";

/** One checkpoint file as NB06C reports it. */
export interface CheckpointFileInfo {
  path: string;
  bytes: number;
  /** First 12 hex digits of the SHA-256. */
  sha256: string;
  loads: boolean;
  error?: string;
}

/** Every `.safetensors` file under a folder (hidden folders, i.e. unfinished checkpoint writes, skipped), oldest first. */
export async function listWeightFiles(dir: string): Promise<{ path: string; mtimeMs: number }[]> {
  const out: { path: string; mtimeMs: number }[] = [];
  const walk = async (d: string) => {
    let entries;
    try {
      entries = await readdir(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (e.name.startsWith(".")) continue;
      const p = path.join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (/\.(safetensors|pt|pth)$/.test(e.name)) out.push({ path: p, mtimeMs: (await stat(p)).mtimeMs });
    }
  };
  await walk(dir);
  return out.sort((a, b) => a.mtimeMs - b.mtimeMs || (a.path < b.path ? -1 : 1));
}

/** Loads the newest `last` weight files: size, SHA-256 prefix and whether they parse. */
export async function checkLastCheckpoints(files: readonly { path: string }[], last = 6): Promise<CheckpointFileInfo[]> {
  const out: CheckpointFileInfo[] = [];
  for (const f of files.slice(-last)) {
    const bytes = new Uint8Array(await readFile(f.path));
    const sha256 = createHash("sha256").update(bytes).digest("hex").slice(0, 12);
    try {
      if (!f.path.endsWith(".safetensors")) throw new Error("only safetensors files can be loaded here");
      parseSafetensors(bytes, f.path);
      out.push({ path: f.path, bytes: bytes.length, sha256, loads: true });
    } catch (error) {
      out.push({ path: f.path, bytes: bytes.length, sha256, loads: false, error: (error as Error).message });
    }
  }
  return out;
}
