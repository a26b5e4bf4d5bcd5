import { scaleBand, scaleLinear } from "d3";
import { drawAxes } from "../svg/axes.js";
import { createFigure, r2, type Figure } from "../svg/figure.js";
import { drawLegend } from "../svg/legend.js";
import { theme } from "../theme.js";
import { isFiniteNumber } from "./data.js";

/** One series of a grouped bar chart: a name (legend), a colour and one value per category. */
export interface BarSeries {
  name: string;
  colour: string;
  values: ReadonlyArray<number | null>;
}

/** Grouped vertical bars: categories on x, one bar per series within each category. */
export interface GroupedBarsSpec {
  id: string;
  title: string;
  subtitle?: string;
  categories: readonly string[];
  /** Optional extra lines under each category label (e.g. the Gleason pattern, then n). */
  sublabels?: ReadonlyArray<readonly string[]>;
  series: readonly BarSeries[];
  valueLabel: string;
  categoryLabel: string;
  /** @default [0, 1] */
  domain?: [number, number];
  widthIn?: number;
}

/** The drawn chart, so callers can add annotations with the same scales. */
export interface GroupedBars {
  fig: Figure;
  x: (category: string) => number;
  bandwidth: number;
  y: (v: number) => number;
}

/** Draws grouped bars (`rect.mark` with `data-series`/`data-label`/`data-value`); undefined values draw no bar. */
export function drawGroupedBars(spec: GroupedBarsSpec): GroupedBars {
  const rotate = spec.categories.length > 12;
  const fig = createFigure({
    id: spec.id,
    title: spec.title,
    ...(spec.subtitle ? { subtitle: spec.subtitle } : {}),
    ...(spec.widthIn ? { widthIn: spec.widthIn } : {}),
    margin: { bottom: spec.sublabels ? 62 + 14 * (spec.sublabels[0]?.length ?? 1) : rotate ? 84 : 58, top: 92 },
  });
  const x = scaleBand<string>().domain(spec.categories).range([0, fig.width]).padding(0.2);
  const inner = scaleBand<string>().domain(spec.series.map((s) => s.name)).range([0, x.bandwidth()]).padding(0.05);
  const values = spec.series.flatMap((s) => s.values).filter(isFiniteNumber);
  const [lo, hi] = spec.domain ?? [0, 1];
  const y = scaleLinear()
    .domain([Math.min(lo, ...values), Math.max(hi, ...values)])
    .range([fig.height, 0]);
  drawAxes(fig, { scale: x, label: spec.categoryLabel, rotate }, { scale: y, label: spec.valueLabel, ticks: 5, grid: true });
  if (spec.sublabels) {
    const xa = fig.plot.select("g.axis.x");
    const n = spec.sublabels[0]?.length ?? 1;
    spec.categories.forEach((c, i) => {
      (spec.sublabels?.[i] ?? []).forEach((line, j) => {
        xa.append("text").attr("class", "sublabel").attr("x", r2((x(c) ?? 0) + x.bandwidth() / 2)).attr("y", 33 + 14 * j)
          .attr("text-anchor", "middle").attr("fill", theme.muted).attr("font-size", theme.tickSize - 1).text(line);
      });
    });
    fig.plot.select("text.axis-label.x").attr("y", r2(fig.height + 50 + 14 * n));
  }
  const g = fig.plot.append("g").attr("class", "marks");
  const y0 = y(Math.max(y.domain()[0] as number, 0));
  spec.series.forEach((s) => {
    spec.categories.forEach((c, i) => {
      const v = s.values[i];
      if (!isFiniteNumber(v)) return;
      g.append("rect")
        .attr("class", "mark bar")
        .attr("data-series", s.name)
        .attr("data-label", c)
        .attr("data-value", String(v))
        .attr("x", r2((x(c) ?? 0) + (inner(s.name) ?? 0)))
        .attr("y", r2(Math.min(y(v), y0)))
        .attr("width", r2(inner.bandwidth()))
        .attr("height", r2(Math.abs(y0 - y(v))))
        .attr("fill", s.colour);
    });
  });
  drawLegend(fig, spec.series.map((s) => ({ label: s.name, colour: s.colour })), {
    x: 0,
    y: -30,
    perColumn: 1,
    columnWidth: Math.min(240, fig.width / spec.series.length),
  });
  return { fig, x: (c) => x(c) ?? 0, bandwidth: x.bandwidth(), y: (v) => y(v) };
}
