import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../..");
export const fixturesDir = path.resolve(repoRoot, "../shared/fixtures/wsi");
export const DEBIAN_PYTHON = "/usr/bin/python3";
export const QC_REFERENCE = path.join(repoRoot, "tooling/reference/qc/qc_reference.py");
export const hasPython = existsSync(DEBIAN_PYTHON);

export interface ReferenceQc {
  tissue_pct: number;
  white_pct: number;
  pen_pct: number;
  blur_var: number;
  brightness_mean: number;
  saturation_mean: number;
  excluded: boolean;
  reasons: string[];
  width: number;
  height: number;
  seconds: number;
}

/** Runs the Python reference of the original NB03 rules and parses its JSON line. */
export function runQcReference(args: string[]): ReferenceQc {
  const out = execFileSync(DEBIAN_PYTHON, [QC_REFERENCE, ...args], { encoding: "utf8", maxBuffer: 1 << 26 });
  const lines = out.trim().split("\n");
  return JSON.parse(lines[lines.length - 1]!) as ReferenceQc;
}
