import type { QcFigureInput } from "../inputs/types.js";
import { fmt } from "./data.js";
import { histogramFigure } from "./histogram.js";
import { rankedBarsFigure } from "./ranked-bars.js";

function pct(v: number | null): number | null {
  return v === null ? null : v * 100;
}

/** `qc-tissue`: histogram of the tissue fraction per slide with the exclusion threshold. */
export function qcTissueFigure(input: QcFigureInput): string {
  const t = input.thresholds.tissue_pct_min * 100;
  return histogramFigure({
    id: "qc-tissue",
    title: "QC: tissue fraction of each slide's thumbnail",
    xLabel: "Tissue pixels (% of thumbnail)",
    values: input.slides.map((s) => pct(s.tissue_pct)),
    xMin: 0,
    xMax: 100,
    threshold: { value: t, label: `exclude < ${fmt(t, 0)}%` },
  });
}

/** `qc-white`: histogram of the white (background) fraction per slide with the exclusion threshold. */
export function qcWhiteFigure(input: QcFigureInput): string {
  const t = input.thresholds.white_pct_max * 100;
  return histogramFigure({
    id: "qc-white",
    title: "QC: white background fraction of each slide's thumbnail",
    xLabel: "White pixels (% of thumbnail)",
    values: input.slides.map((s) => pct(s.white_pct)),
    xMin: 0,
    xMax: 100,
    threshold: { value: t, label: `exclude > ${fmt(t, 0)}%` },
  });
}

/** `qc-blur`: histogram of the Laplacian variance over tissue (low = blurred) with the threshold. */
export function qcBlurFigure(input: QcFigureInput): string {
  const t = input.thresholds.blur_var_min;
  return histogramFigure({
    id: "qc-blur",
    title: "QC: sharpness (variance of the Laplacian over tissue)",
    subtitle: "low variance = blurred",
    xLabel: "Laplacian variance (grey levels²)",
    values: input.slides.map((s) => s.blur_var),
    xMin: 0,
    threshold: { value: t, label: `exclude < ${fmt(t, 1)}` },
  });
}

/** `qc-exclusion`: exclusion rate (%) per cancer code, the 30 highest rates, with the overall rate. */
export function qcExclusionFigure(input: QcFigureInput): string {
  const byCode = new Map<string, { n: number; excluded: number }>();
  for (const s of input.slides) {
    const e = byCode.get(s.cancer_code) ?? { n: 0, excluded: 0 };
    e.n += 1;
    if (s.excluded) e.excluded += 1;
    byCode.set(s.cancer_code, e);
  }
  const total = input.slides.length;
  const excluded = input.slides.filter((s) => s.excluded).length;
  const rows = [...byCode].map(([code, e]) => ({
    label: code,
    value: (100 * e.excluded) / e.n,
    annotation: `${e.excluded}/${e.n}`,
  }));
  return rankedBarsFigure({
    id: "qc-exclusion",
    title: `QC exclusion rate by cancer code${rows.length > 30 ? " (30 highest of " + rows.length + ")" : ""}`,
    valueLabel: "Slides excluded by QC (%)",
    categoryLabel: "Cancer code",
    rows,
    top: 30,
    domain: [0, 100],
    unit: "cancer code",
    ...(total > 0
      ? { refLine: { value: (100 * excluded) / total, label: `all slides: ${fmt((100 * excluded) / total, 1)}%`, kind: "overall" } }
      : {}),
  });
}
