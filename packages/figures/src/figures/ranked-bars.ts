import { max, min, scaleBand, scaleLinear } from "d3";
import { drawAxes, drawRefLine } from "../svg/axes.js";
import { createFigure, r2 } from "../svg/figure.js";
import { messageFigure } from "../svg/message.js";
import { theme } from "../theme.js";
import { isFiniteNumber, plural } from "./data.js";

/** Horizontal bars of one value per category, highest at the top. */
export interface RankedBarsSpec {
  id: string;
  title: string;
  subtitle?: string;
  /** Label of the value (x) axis; says what is plotted and its unit. */
  valueLabel: string;
  /** Label of the category (y) axis. */
  categoryLabel: string;
  rows: ReadonlyArray<{ label: string; value: number | null; annotation?: string }>;
  /** Keep only the `top` highest values. @default all */
  top?: number;
  /** x domain; extended if a value falls outside. @default [min(0, values), max(values)] */
  domain?: [number, number];
  /** Dashed vertical line (mean, overall rate…). */
  refLine?: { value: number; label: string; kind: string };
  /** Name of one category in messages. */
  unit: string;
  /** Extra lines written under the plot. */
  notes?: string[];
  /** Fewer plottable categories than this yields a message figure. @default 1 */
  minRows?: number;
  /** Why `minRows` is needed, shown in the message. */
  minRowsReason?: string;
  colour?: string;
}

/** Draws ranked horizontal bars (`rect.mark` with `data-label`/`data-value`), or a message when unplottable. */
export function rankedBarsFigure(spec: RankedBarsSpec): string {
  const { minRows = 1, colour = theme.primary } = spec;
  const header = { id: spec.id, title: spec.title, ...(spec.subtitle ? { subtitle: spec.subtitle } : {}) };
  if (spec.rows.length === 0) return messageFigure(header, `No data: 0 ${spec.unit}s in the input.`);
  const finite = spec.rows.filter((r): r is { label: string; value: number; annotation?: string } => isFiniteNumber(r.value));
  const missing = spec.rows.length - finite.length;
  if (finite.length === 0) {
    return messageFigure(header, `No plottable values: all ${plural(spec.rows.length, spec.unit)} are undefined (NaN/null).`);
  }
  if (finite.length < minRows) {
    return messageFigure(header, `Only ${plural(finite.length, spec.unit)} with a value (${finite.map((r) => r.label).join(", ")}).`, [
      spec.minRowsReason ?? `This figure needs at least ${minRows}.`,
    ]);
  }
  const sorted = [...finite].sort((a, b) => b.value - a.value || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
  const shown = spec.top !== undefined ? sorted.slice(0, spec.top) : sorted;
  const heightIn = Math.max(4.5, 1.9 + shown.length * 0.2);
  const longest = max(shown, (r) => r.label.length) ?? 4;
  const fig = createFigure({ ...header, heightIn, margin: { left: Math.min(260, 40 + longest * 7.5), right: 64 } });
  const values = shown.map((r) => r.value);
  const lo = Math.min(spec.domain?.[0] ?? 0, min(values) ?? 0, spec.refLine?.value ?? Infinity);
  const hi = Math.max(spec.domain?.[1] ?? -Infinity, max(values) ?? 1, spec.refLine?.value ?? -Infinity, lo + 1e-9);
  const x = scaleLinear().domain([lo, hi]).range([0, fig.width]);
  if (!spec.domain) x.nice();
  const y = scaleBand<string>()
    .domain(shown.map((r) => r.label))
    .range([0, fig.height])
    .padding(0.2);
  drawAxes(fig, { scale: x, label: spec.valueLabel, ticks: 6, grid: true }, { scale: y, label: spec.categoryLabel });
  const g = fig.plot.append("g").attr("class", "marks");
  const x0 = x(Math.max(lo, Math.min(0, hi)));
  for (const r of shown) {
    const xv = x(r.value);
    const by = y(r.label) ?? 0;
    g.append("rect")
      .attr("class", "mark bar")
      .attr("data-label", r.label)
      .attr("data-value", String(r.value))
      .attr("x", r2(Math.min(x0, xv)))
      .attr("y", r2(by))
      .attr("width", r2(Math.abs(xv - x0)))
      .attr("height", r2(y.bandwidth()))
      .attr("fill", colour);
    if (r.annotation) {
      g.append("text")
        .attr("class", "bar-annotation")
        .attr("x", r2(Math.max(x0, xv) + 4))
        .attr("y", r2(by + y.bandwidth() / 2 + 4))
        .attr("font-size", theme.tickSize - 1)
        .attr("fill", theme.muted)
        .text(r.annotation);
    }
  }
  if (spec.refLine) {
    drawRefLine(fig, { axis: "x", value: spec.refLine.value, position: x(spec.refLine.value), label: spec.refLine.label, kind: spec.refLine.kind });
  }
  if (shown.length < sorted.length) fig.note(`showing the ${shown.length} highest of ${plural(sorted.length, spec.unit)}`);
  if (missing > 0) fig.note(`${plural(missing, spec.unit)} with an undefined value (NaN/null) not shown`);
  for (const n of spec.notes ?? []) fig.note(n);
  return fig.toString();
}
