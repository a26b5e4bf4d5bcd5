import { max, min, scaleBand, scaleLinear } from "d3";
import { drawAxes, drawRefLine } from "../svg/axes.js";
import { createFigure, r2 } from "../svg/figure.js";
import { messageFigure } from "../svg/message.js";
import { theme } from "../theme.js";
import { isFiniteNumber, plural } from "./data.js";

/** One vertical bar: its category, value (null = undefined), optional CI, colour and label. */
export interface CategoryBar {
  label: string;
  value: number | null;
  /** Text above the bar (n, count…). */
  annotation?: string;
  /** Error bar `[low, high]` (a 95% CI, or mean ± SD): say which in the axis label or a note. */
  interval?: [number, number] | null;
  colour?: string;
}

/** Vertical bars in the given order, e.g. one per provider or center. */
export interface CategoryBarsSpec {
  id: string;
  title: string;
  subtitle?: string;
  valueLabel: string;
  categoryLabel: string;
  rows: readonly CategoryBar[];
  /** Name of one category in messages. */
  unit: string;
  /** Extra lines written under the plot. */
  notes?: string[];
  /** Number of underlying items, for the "no data" message. @default rows.length */
  n?: number;
  /** y domain; extended to include every value, CI and line. @default [min(0, values), max(values)] */
  domain?: [number, number];
  /** Dashed horizontal line (pooled value, threshold…). */
  refLine?: { value: number; label: string; kind: string };
  /** Draw a solid line at y = 0 when the domain spans negative values. @default true */
  zeroLine?: boolean;
}

/** Draws vertical bars (`rect.mark` with `data-label`/`data-value`), error bars as `g.interval`, or a message. */
export function categoryBarsFigure(spec: CategoryBarsSpec): string {
  const header = { id: spec.id, title: spec.title, ...(spec.subtitle ? { subtitle: spec.subtitle } : {}) };
  if (spec.rows.length === 0 || spec.n === 0) return messageFigure(header, `No data: 0 ${spec.unit}s in the input.`);
  const finite = spec.rows.filter((r) => isFiniteNumber(r.value));
  const missing = spec.rows.length - finite.length;
  if (finite.length === 0) {
    return messageFigure(header, `No plottable values: all ${plural(spec.rows.length, spec.unit)} are undefined (NaN/null).`);
  }
  const extents = finite.flatMap((r) => [r.value as number, ...(r.interval ?? [])]);
  const lo = Math.min(spec.domain?.[0] ?? 0, min(extents) ?? 0, spec.refLine?.value ?? Infinity);
  const hi = Math.max(spec.domain?.[1] ?? -Infinity, max(extents) ?? 1, spec.refLine?.value ?? -Infinity, lo + 1e-9);
  const longest = max(spec.rows, (r) => r.label.length) ?? 4;
  const rotate = longest * 7 * spec.rows.length > 480;
  const fig = createFigure({ ...header, margin: { bottom: rotate ? 34 + longest * 5 : 58 } });
  const y = scaleLinear().domain([lo, hi]).range([fig.height, 0]);
  if (!spec.domain) y.nice();
  const x = scaleBand<string>()
    .domain(spec.rows.map((r) => r.label))
    .range([0, fig.width])
    .padding(0.3);
  drawAxes(fig, { scale: x, label: spec.categoryLabel, rotate }, { scale: y, label: spec.valueLabel, ticks: 6, grid: true });
  const [d0, d1] = y.domain() as [number, number];
  const zero = Math.max(d0, Math.min(0, d1));
  if ((spec.zeroLine ?? true) && d0 < 0) {
    fig.plot.append("line").attr("class", "zero-line").attr("x1", 0).attr("x2", fig.width)
      .attr("y1", r2(y(0))).attr("y2", r2(y(0))).attr("stroke", theme.ink).attr("stroke-width", 1);
  }
  const g = fig.plot.append("g").attr("class", "marks");
  for (const r of spec.rows) {
    const bx = x(r.label) ?? 0;
    const cx = bx + x.bandwidth() / 2;
    if (!isFiniteNumber(r.value)) {
      g.append("text").attr("class", "undefined-value").attr("x", r2(cx)).attr("y", r2(y(zero) - 4))
        .attr("text-anchor", "middle").attr("font-size", theme.tickSize).attr("fill", theme.muted).text("undefined");
      continue;
    }
    const yv = y(r.value);
    const y0 = y(zero);
    g.append("rect")
      .attr("class", "mark bar")
      .attr("data-label", r.label)
      .attr("data-value", String(r.value))
      .attr("x", r2(bx))
      .attr("y", r2(Math.min(yv, y0)))
      .attr("width", r2(x.bandwidth()))
      .attr("height", r2(Math.abs(y0 - yv)))
      .attr("fill", r.colour ?? theme.primary);
    let top = Math.min(yv, y0);
    if (r.interval) {
      const [a, b] = r.interval;
      const ya = r2(y(a));
      const yb = r2(y(b));
      const ci = g.append("g").attr("class", "interval").attr("data-low", String(a)).attr("data-high", String(b));
      ci.append("line").attr("x1", r2(cx)).attr("x2", r2(cx)).attr("y1", ya).attr("y2", yb).attr("stroke", theme.ink).attr("stroke-width", 1.2);
      for (const yy of [ya, yb]) ci.append("line").attr("x1", r2(cx - 6)).attr("x2", r2(cx + 6)).attr("y1", yy).attr("y2", yy).attr("stroke", theme.ink).attr("stroke-width", 1.2);
      top = Math.min(top, yb);
    }
    if (r.annotation) {
      g.append("text").attr("class", "bar-annotation").attr("x", r2(cx)).attr("y", r2(top - 5))
        .attr("text-anchor", "middle").attr("font-size", theme.tickSize - 1).attr("fill", theme.muted).text(r.annotation);
    }
  }
  if (spec.refLine) {
    drawRefLine(fig, { axis: "y", value: spec.refLine.value, position: y(spec.refLine.value), label: spec.refLine.label, kind: spec.refLine.kind });
  }
  if (missing > 0) fig.note(`${plural(missing, spec.unit)} with an undefined value (NaN/null): no bar drawn`);
  for (const n of spec.notes ?? []) fig.note(n);
  return fig.toString();
}
