// Bench of @osfm/synth: time and peak RSS to synthesize one 40,000 × 30,000 px slide (20 mm × 15 mm at
// 0.5 µm/px) to a JPEG SVS. There is no reference implementation: each line compares with the goal of
// issue 4 (≤ 60 s, ≤ 2 GiB), so `ratio` ≥ 1 means the goal is met.
// Usage: npm run bench -w @osfm/synth [-- --width 40000 --height 30000]
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { reportComparison } from "@osfm/bench-harness";
import { synthesizeSlide } from "../src/index";
import { defaultWorkers } from "../src/region-source";

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const width = arg("width", 40_000);
const height = arg("height", 30_000);
const mpp = 0.5;
const threads = 1 + defaultWorkers(); // main thread (writer) + render workers; sharp encodes on libuv's pool
const dir = mkdtempSync(join(tmpdir(), "osfm-synth-bench-"));
const path = join(dir, "bench.svs");
let peak = process.memoryUsage().rss;
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
const t0 = process.hrtime.bigint();
const truth = await synthesizeSlide(path, { widthUm: width * mpp, heightUm: height * mpp, mpp, seed: 1, pen: 1, folds: 1 });
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
clearInterval(sampler);
peak = Math.max(peak, process.resourceUsage().maxRSS * 1024);
const megapixels = (width * height) / 1e6;
const extra = { size: `${width}x${height}`, megapixels, fileMiB: Number((statSync(path).size / 2 ** 20).toFixed(1)), tissueFraction: truth.tissueFraction };
reportComparison({ bench: "synth.slide-time", unit: "s", ours: seconds, reference: (60 * megapixels) / 1200, referenceName: "goal: 60 s per 1200 Mpx (issue 4)", kind: "time", threads, extra: { ...extra, mpxPerSecond: Number((megapixels / seconds).toFixed(2)) } });
reportComparison({ bench: "synth.slide-peak-rss", unit: "MiB", ours: peak / 2 ** 20, reference: 2048, referenceName: "goal: 2 GiB (issue 4)", kind: "time", threads, extra });
rmSync(dir, { recursive: true, force: true });
