import { execFileSync } from "node:child_process";

/** One comparison of ours against a reference implementation, measured in the same run. */
export interface Comparison {
  /** Stable id, e.g. `wsi.random-224`. */
  bench: string;
  /** Unit of `ours` and `reference`, e.g. `regions/s` or `s`. */
  unit: string;
  ours: number;
  reference: number;
  /** Name and version of the reference, e.g. `openslide-3.4.1`. */
  referenceName: string;
  /** `rate` when higher is better (ratio = ours / reference), `time` when lower is better (ratio = reference / ours). */
  kind: "rate" | "time";
  threads: number;
  /** Extra fields printed as they are (peak memory, sizes). */
  extra?: Record<string, number | string>;
}

const round = (value: number): number => Number(value.toPrecision(4));

/** Formats a comparison as the one-line JSON record every bench prints; `ratio` is always "higher is better for us". */
export function formatComparison(c: Comparison): string {
  const ratio = c.kind === "rate" ? c.ours / c.reference : c.reference / c.ours;
  return JSON.stringify({
    bench: c.bench,
    unit: c.unit,
    ours: round(c.ours),
    reference: round(c.reference),
    referenceName: c.referenceName,
    ratio: round(ratio),
    threads: c.threads,
    ...c.extra,
  });
}

/** Prints a comparison line to stdout (benches are apps: they may print). */
export function reportComparison(c: Comparison): void {
  process.stdout.write(`${formatComparison(c)}\n`);
}

/** Debian's interpreter, which sees python3-openslide, python3-torch, python3-sklearn. */
export const DEBIAN_PYTHON = "/usr/bin/python3";

/** Runs a Python reference script with Debian's interpreter and parses the JSON it prints last. */
export function runPythonJson<T>(script: string, args: string[] = [], env: NodeJS.ProcessEnv = {}): T {
  const out = execFileSync(DEBIAN_PYTHON, [script, ...args], {
    encoding: "utf8",
    maxBuffer: 1 << 28,
    env: { ...process.env, ...env },
  });
  const lines = out.trim().split("\n");
  return JSON.parse(lines[lines.length - 1] ?? "null") as T;
}

/** Times `fn` `repeats` times after `warmup` runs; returns the median wall time in seconds. */
export async function medianSeconds(fn: () => unknown, repeats = 3, warmup = 1): Promise<number> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = process.hrtime.bigint();
    await fn();
    times.push(Number(process.hrtime.bigint() - t0) / 1e9);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? Number.NaN;
}
