// npm run bench -w @osfm/mil: one training epoch of the PANDA grading model (default 11.1M-parameter
// configuration) on a fixed synthetic bag set, next to the PyTorch reference on the same threads.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { reportComparison, runPythonJson } from "@osfm/bench-harness";
import { Rng } from "@osfm/nn";
import { type SlideBag, trainGrading } from "../src/index";

const here = path.dirname(fileURLToPath(import.meta.url));
const script = path.resolve(here, "../../../tooling/reference/mil/bench_grading.py");
const nBags = Number(process.env.OSFM_BENCH_BAGS ?? 48);
const t05 = Number(process.env.OSFM_BENCH_T05 ?? 300);
const t20 = Number(process.env.OSFM_BENCH_T20 ?? 100);

function bags(): SlideBag[] {
  const rng = new Rng(0);
  return Array.from({ length: nBags }, (_, i) => ({
    slideId: `b${i}`,
    features05: Float32Array.from({ length: t05 * 768 }, () => rng.normal()),
    coords05: new Float32Array(t05 * 2),
    features20: Float32Array.from({ length: t20 * 768 }, () => rng.normal()),
    coords20: new Float32Array(t20 * 2),
  }));
}

for (const threads of [1, 2]) {
  const set = bags();
  const labels = set.map((_, i) => i % 6);
  const stamps: number[] = [];
  await trainGrading({ bags: set, labels }, { bags: set.slice(0, 24), labels: labels.slice(0, 24) }, () => 0, {
    epochs: 2,
    patience: 10,
    threads,
    augment: false,
    onEpoch: () => stamps.push(performance.now()),
  });
  const ours = ((stamps[1] as number) - (stamps[0] as number)) / 1000;
  const ref = runPythonJson<{ epochSeconds: number }>(script, [String(nBags), String(t05), String(t20), String(threads)]);
  reportComparison({
    bench: "mil.grading-epoch",
    unit: "s",
    ours,
    reference: ref.epochSeconds,
    referenceName: "pytorch-cpu",
    kind: "time",
    threads,
    extra: { bags: nBags, tokens05: t05, tokens20: t20, peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024) },
  });
}
