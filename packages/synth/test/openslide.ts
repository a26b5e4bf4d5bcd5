import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** Debian's interpreter, which sees python3-openslide. */
const PYTHON = "/usr/bin/python3";
const SCRIPT = resolve(fileURLToPath(import.meta.url), "../../../../tooling/reference/synth/openslide_probe.py");

export interface ProbeRequest {
  path: string;
  out?: string;
  thumb?: [number, number];
  regions?: [number, number, number, number, number][];
}

export interface ProbeResult {
  path: string;
  detect: string;
  vendor: string;
  levels: [number, number][];
  downsamples: number[];
  mpp: [string | null, string | null];
  power: string | null;
  xres: string | null;
  unit: string | null;
  associated: Record<string, [number, number]>;
}

/** Opens slides with OpenSlide (the reference) and returns what it reports. */
export function probe(requests: ProbeRequest[]): ProbeResult[] {
  const stdout = execFileSync(PYTHON, [SCRIPT, JSON.stringify(requests)], { encoding: "utf8", maxBuffer: 1 << 26 });
  return JSON.parse(stdout.trim().split("\n").pop() as string) as ProbeResult[];
}

export const readRgba = (out: string, i: number): Uint8Array => new Uint8Array(readFileSync(join(out, `r${i}.rgba`)));
export const readThumb = (out: string): Uint8Array => new Uint8Array(readFileSync(join(out, "thumb.rgb")));
