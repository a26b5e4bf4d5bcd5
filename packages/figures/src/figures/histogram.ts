import { max, min, scaleLinear } from "d3";
import { drawAxes, drawRefLine } from "../svg/axes.js";
import { createFigure, r2 } from "../svg/figure.js";
import { messageFigure } from "../svg/message.js";
import { theme } from "../theme.js";
import { fmt, isFiniteNumber, plural } from "./data.js";

/** A histogram request: values (null = undefined), labels and an optional threshold line. */
export interface HistogramSpec {
  id: string;
  title: string;
  subtitle?: string;
  xLabel: string;
  /** What one counted item is, for the y label and notes. @default "slide" */
  unit?: string;
  values: ReadonlyArray<number | null>;
  /** Number of equal-width bins. @default 40 */
  bins?: number;
  /** Dashed line at a value, e.g. an exclusion threshold or a token budget. */
  threshold?: { value: number; label: string; kind?: string };
  /** Lower bound of the x domain (e.g. 0 for fractions). @default the smallest value */
  xMin?: number;
  /** Upper bound of the x domain (e.g. 100 for percentages). @default the largest value */
  xMax?: number;
}

/** Equal-width bins over [lo, hi]: counts and edges. The last bin includes `hi`. */
export function equalWidthBins(values: readonly number[], lo: number, hi: number, bins: number): Array<{ x0: number; x1: number; count: number }> {
  const width = (hi - lo) / bins;
  const out = Array.from({ length: bins }, (_, i) => ({ x0: lo + i * width, x1: lo + (i + 1) * width, count: 0 }));
  for (const v of values) {
    const i = Math.min(bins - 1, Math.max(0, Math.floor((v - lo) / width)));
    (out[i] as { count: number }).count += 1;
  }
  return out;
}

/**
 * Histogram of finite values in `bins` equal-width bins, one `rect.mark` per bin with
 * `data-count`, `data-x0`, `data-x1`; the threshold (if any) is inside the x domain.
 */
export function histogramFigure(spec: HistogramSpec): string {
  const { bins = 40, unit = "slide" } = spec;
  const header = { id: spec.id, title: spec.title, ...(spec.subtitle ? { subtitle: spec.subtitle } : {}) };
  const values = spec.values.filter(isFiniteNumber);
  const missing = spec.values.length - values.length;
  if (spec.values.length === 0) return messageFigure(header, `No data: 0 ${unit}s in the input.`);
  if (values.length === 0) {
    return messageFigure(header, `No plottable values: all ${plural(spec.values.length, unit)} have an undefined value (NaN/null).`);
  }
  let lo = Math.min(spec.xMin ?? Infinity, min(values) ?? 0, spec.threshold?.value ?? Infinity);
  let hi = Math.max(spec.xMax ?? -Infinity, max(values) ?? 0, spec.threshold?.value ?? -Infinity);
  if (hi === lo) {
    const pad = Math.abs(hi) > 0 ? Math.abs(hi) * 0.05 : 0.5;
    lo -= pad;
    hi += pad;
  }
  const counts = equalWidthBins(values, lo, hi, bins);
  const fig = createFigure(header);
  const x = scaleLinear().domain([lo, hi]).range([0, fig.width]);
  const y = scaleLinear()
    .domain([0, max(counts, (b) => b.count) ?? 1])
    .nice()
    .range([fig.height, 0]);
  drawAxes(fig, { scale: x, label: spec.xLabel, ticks: 8 }, { scale: y, label: `Number of ${unit}s`, ticks: 6, grid: true });
  const g = fig.plot.append("g").attr("class", "marks");
  for (const b of counts) {
    const x0 = x(b.x0);
    const w = Math.max(0, x(b.x1) - x0 - 1);
    g.append("rect")
      .attr("class", "mark bar")
      .attr("data-count", b.count)
      .attr("data-x0", String(r2(b.x0 * 1e4) / 1e4))
      .attr("data-x1", String(r2(b.x1 * 1e4) / 1e4))
      .attr("x", r2(x0 + 0.5))
      .attr("y", r2(y(b.count)))
      .attr("width", r2(w))
      .attr("height", r2(fig.height - y(b.count)))
      .attr("fill", theme.primary);
  }
  if (spec.threshold) {
    drawRefLine(fig, {
      axis: "x",
      value: spec.threshold.value,
      position: x(spec.threshold.value),
      label: spec.threshold.label,
      kind: spec.threshold.kind ?? "threshold",
    });
  }
  fig.note(`n = ${plural(values.length, unit)}; ${bins} bins of width ${fmt((hi - lo) / bins, 3)}`);
  if (missing > 0) fig.note(`${plural(missing, unit)} with an undefined value (NaN/null) not counted`);
  return fig.toString();
}
