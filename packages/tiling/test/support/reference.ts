import { execFileSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../..");
export const fixturesDir = path.resolve(repoRoot, "../shared/fixtures/wsi");
export const TILING_REFERENCE = path.join(repoRoot, "tooling/reference/tiling/tiling_reference.py");
export const QC_REFERENCE = path.join(repoRoot, "tooling/reference/qc/qc_reference.py");

export interface ReferenceScale {
  scale: number;
  level: number;
  approx_mpp: number;
  grid: number;
  candidates: [number, number][];
  sampled?: [number, number][];
}

/** Runs a Python reference with Debian's interpreter and parses its last JSON line. */
export function runPython<T>(script: string, args: string[]): T {
  const out = execFileSync("/usr/bin/python3", [script, ...args], { encoding: "utf8", maxBuffer: 1 << 28 });
  const lines = out.trim().split("\n");
  return JSON.parse(lines[lines.length - 1]!) as T;
}
