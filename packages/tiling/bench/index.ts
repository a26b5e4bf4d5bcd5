// QC + tiling of one large synthetic slide, ours against the Python reference of the original NB03/NB04.
// OSFM_BENCH_SIZE=WxH (default 40000x30000); OSFM_BENCH_REPEATS (default 1).
import path from "node:path";
import { fileURLToPath } from "node:url";
import { medianSeconds, reportComparison, runPythonJson } from "@osfm/bench-harness";
import { computeQc } from "@osfm/qc";
import { openSlide } from "@osfm/wsi";
import { tileSlide } from "../src/index";
import { benchSlide } from "./bench-slide";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const QC_REF = path.join(root, "tooling/reference/qc/qc_reference.py");
const TILING_REF = path.join(root, "tooling/reference/tiling/tiling_reference.py");
const [width, height] = (process.env.OSFM_BENCH_SIZE ?? "40000x30000").split("x").map(Number) as [number, number];
const repeats = Number(process.env.OSFM_BENCH_REPEATS ?? 1);

async function main(): Promise<void> {
  let file: string;
  try {
    file = await benchSlide(width, height);
  } catch (error) {
    process.stdout.write(`skipped: could not write the ${width}x${height} synthetic slide with @osfm/synth (${String(error)})\n`);
    return;
  }
  let tiles = 0;
  const oursQc = await medianSeconds(async () => {
    const slide = await openSlide(file);
    await computeQc(slide);
    await slide.close();
  }, repeats, 1);
  const oursAll = await medianSeconds(async () => {
    const slide = await openSlide(file);
    const qc = await computeQc(slide);
    tiles = tileSlide(slide, qc.masks.tissue).rows.length;
    await slide.close();
  }, repeats, 1);
  const refQcTimes: number[] = [];
  const refAllTimes: number[] = [];
  let refTiles = 0;
  for (let i = 0; i < repeats; i++) {
    const qc = runPythonJson<{ seconds: number }>(QC_REF, ["--slide", file]);
    const tl = runPythonJson<{ seconds: number; scales: { candidates: number }[] }>(TILING_REF, ["--slide", file, "--counts-only"]);
    refQcTimes.push(qc.seconds);
    refAllTimes.push(qc.seconds + tl.seconds);
    refTiles = tl.scales.reduce((n, s, k) => n + Math.min(s.candidates, k === 0 ? 1200 : 400), 0);
  }
  const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
  const extra = { slide: `${width}x${height}`, repeats };
  reportComparison({ bench: "qc.slide", unit: "s/slide", ours: oursQc, reference: median(refQcTimes), referenceName: "python-numpy-pil-openslide (NB03 rules)", kind: "time", threads: 1, extra });
  reportComparison({
    bench: "qc+tiling.slide",
    unit: "s/slide",
    ours: oursAll,
    reference: median(refAllTimes),
    referenceName: "python-numpy-pil-openslide (NB03+NB04 rules)",
    kind: "time",
    threads: 1,
    extra: { ...extra, tiles, referenceTiles: refTiles },
  });
}

await main();
