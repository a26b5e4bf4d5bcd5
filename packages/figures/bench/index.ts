/**
 * Bench: time to draw a figure and write its 300-dpi PNG, ours (d3 on linkedom → SVG → resvg)
 * against matplotlib (the original's tool) drawing the same figure, both measured in this run.
 *   npm run bench -w @osfm/figures            (OSFM_BENCH_N=… values, OSFM_BENCH_REPEATS=…)
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { medianSeconds, reportComparison, runPythonJson } from "@osfm/bench-harness";
import { fig3aFigure, qcTissueFigure, seededRandomForBench, toPng } from "./subjects.js";

const n = Number(process.env.OSFM_BENCH_N ?? 20000);
const classes = 31;
const repeats = Number(process.env.OSFM_BENCH_REPEATS ?? 5);
const here = path.dirname(fileURLToPath(import.meta.url));

const rnd = seededRandomForBench(7);
const normal = () => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
const qc = {
  thresholds: { tissue_pct_min: 0.1, white_pct_max: 0.75, blur_var_min: 15, pen_pct_max: 0.02 },
  slides: Array.from({ length: n }, (_, i) => ({ slide_id: `s${i}`, cancer_code: "X", tissue_pct: Math.max(0, Math.min(1, 0.35 + 0.18 * normal())), white_pct: 0.2, pen_pct: 0, blur_var: 50, excluded: false, reasons: [] })),
};
const perClass = { source: "bench", classes: Array.from({ length: classes }, (_, i) => ({ class: `C${String(i).padStart(2, "0")}`, precision: null, recall: null, f1: 0.3 + 0.65 * rnd(), auroc_ovr: null, support_patients: 10 })) };

const oursHist = await medianSeconds(() => toPng(qcTissueFigure(qc), { dpi: 300 }), repeats);
const oursBars = await medianSeconds(() => toPng(fig3aFigure(perClass), { dpi: 300 }), repeats);
const ref = runPythonJson<{ hist: number; bars: number; matplotlib: string }>(path.join(here, "matplotlib_reference.py"), [String(n), String(classes), String(repeats)]);

reportComparison({ bench: "figures.qc-histogram-png300", unit: "s", ours: oursHist, reference: ref.hist, referenceName: `matplotlib-${ref.matplotlib}`, kind: "time", threads: 1, extra: { values: n } });
reportComparison({ bench: "figures.per-class-bars-png300", unit: "s", ours: oursBars, reference: ref.bars, referenceName: `matplotlib-${ref.matplotlib}`, kind: "time", threads: 1, extra: { classes } });
