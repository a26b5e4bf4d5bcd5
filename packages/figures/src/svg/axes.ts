import { axisBottom, axisLeft, type AxisDomain, type AxisScale } from "d3";
import { theme } from "../theme.js";
import { r2, type Panel } from "./figure.js";

/** One axis: its scale, label and tick options. */
export interface AxisSpec<D extends AxisDomain> {
  scale: AxisScale<D> & { domain(): D[] };
  label: string;
  /** Approximate tick count (continuous scales). @default d3's 10 */
  ticks?: number;
  /** Tick label formatter. @default d3's scale formatter */
  format?: (d: D) => string;
  /** d3 tick specifier (e.g. "~s" or ".0%") used instead of `format`. */
  specifier?: string;
  /** Draw light grid lines across the plot at each tick. @default false */
  grid?: boolean;
  /** Rotate tick labels by −45° (long categorical labels). @default false */
  rotate?: boolean;
}

function domainAttr(domain: unknown[]): string {
  return domain.map((d) => (typeof d === "number" ? String(r2(d * 1e4) / 1e4) : String(d))).join("|");
}

/**
 * Draws the bottom (x) and left (y) axes with their labels: the only two spines shown (theme).
 * Each axis group carries `data-domain` (values joined with "|") so tests can read the scale domain.
 */
export function drawAxes<X extends AxisDomain, Y extends AxisDomain>(fig: Panel, x: AxisSpec<X>, y: AxisSpec<Y>): void {
  const xAxis = axisBottom(x.scale).tickSizeOuter(0);
  if (x.ticks !== undefined) xAxis.ticks(x.ticks, x.specifier);
  else if (x.specifier) xAxis.ticks(10, x.specifier);
  if (x.format) xAxis.tickFormat(x.format as (d: X, i: number) => string);
  const yAxis = axisLeft(y.scale).tickSizeOuter(0);
  if (y.ticks !== undefined) yAxis.ticks(y.ticks, y.specifier);
  else if (y.specifier) yAxis.ticks(10, y.specifier);
  if (y.format) yAxis.tickFormat(y.format as (d: Y, i: number) => string);

  if (y.grid) {
    const g = fig.plot.append("g").attr("class", "grid y");
    const ys = y.scale as unknown as { ticks?: (n?: number) => Y[] };
    for (const t of ys.ticks ? ys.ticks(y.ticks) : y.scale.domain()) {
      const py = r2(y.scale(t) ?? 0);
      g.append("line").attr("x1", 0).attr("x2", fig.width).attr("y1", py).attr("y2", py).attr("stroke", theme.gridColour);
    }
  }
  if (x.grid) {
    const g = fig.plot.append("g").attr("class", "grid x");
    const xs = x.scale as unknown as { ticks?: (n?: number) => X[] };
    for (const t of xs.ticks ? xs.ticks(x.ticks) : x.scale.domain()) {
      const px = r2(x.scale(t) ?? 0);
      g.append("line").attr("y1", 0).attr("y2", fig.height).attr("x1", px).attr("x2", px).attr("stroke", theme.gridColour);
    }
  }

  const gx = fig.plot
    .append("g")
    .attr("class", "axis x")
    .attr("data-domain", domainAttr(x.scale.domain()))
    .attr("transform", `translate(0,${fig.height})`)
    .call(xAxis);
  const gy = fig.plot.append("g").attr("class", "axis y").attr("data-domain", domainAttr(y.scale.domain())).call(yAxis);
  for (const g of [gx, gy]) g.attr("font-family", null).attr("font-size", theme.tickSize);
  if (x.rotate) {
    gx.selectAll(".tick text").attr("text-anchor", "end").attr("dx", "-0.4em").attr("dy", "0.3em").attr("transform", "rotate(-45)");
  }
  fig.plot
    .append("text")
    .attr("class", "axis-label x")
    .attr("x", r2(fig.width / 2))
    .attr("y", r2(fig.height + (x.rotate ? fig.margin.bottom - 8 : 42)))
    .attr("text-anchor", "middle")
    .attr("fill", theme.ink)
    .text(x.label);
  fig.plot
    .append("text")
    .attr("class", "axis-label y")
    .attr("transform", `translate(${r2(-fig.margin.left + 18)},${r2(fig.height / 2)}) rotate(-90)`)
    .attr("text-anchor", "middle")
    .attr("fill", theme.ink)
    .text(y.label);
}

/** A dashed reference line across the plot at a data value, labelled; `data-value` holds the value. */
export interface RefLineSpec {
  /** "x" = vertical line at x = value; "y" = horizontal line at y = value. */
  axis: "x" | "y";
  value: number;
  /** Position of `value` in plot px (from the scale). */
  position: number;
  label: string;
  /** CSS class added to `ref-line` (e.g. "threshold", "mean", "pooled"). */
  kind: string;
  colour?: string;
}

/** Draws a labelled dashed line (thresholds, means, pooled values). */
export function drawRefLine(fig: Panel, spec: RefLineSpec): void {
  const g = fig.plot.append("g").attr("class", `ref-line ${spec.kind}`).attr("data-value", String(spec.value));
  const p = r2(spec.position);
  const colour = spec.colour ?? theme.threshold;
  const line = g.append("line").attr("stroke", colour).attr("stroke-width", 1.5).attr("stroke-dasharray", theme.dash);
  if (spec.axis === "x") {
    line.attr("x1", p).attr("x2", p).attr("y1", 0).attr("y2", fig.height);
    // Label just above the plot area, so it never sits on the marks.
    const anchor = p < fig.width * 0.25 ? "start" : p > fig.width * 0.75 ? "end" : "middle";
    g.append("text")
      .attr("x", anchor === "start" ? p - 4 : anchor === "end" ? p + 4 : p)
      .attr("y", -6)
      .attr("text-anchor", anchor)
      .attr("font-size", theme.tickSize)
      .attr("fill", colour)
      .attr("stroke", "#ffffff")
      .attr("stroke-width", 3)
      .attr("paint-order", "stroke")
      .text(spec.label);
  } else {
    line.attr("y1", p).attr("y2", p).attr("x1", 0).attr("x2", fig.width);
    // Label above the plot area with a dashed swatch, so it never sits on the bars.
    g.append("line").attr("class", "swatch").attr("x1", fig.width - 20).attr("x2", fig.width).attr("y1", -10).attr("y2", -10)
      .attr("stroke", colour).attr("stroke-width", 1.5).attr("stroke-dasharray", "4,3");
    g.append("text")
      .attr("x", fig.width - 24)
      .attr("y", -6)
      .attr("text-anchor", "end")
      .attr("font-size", theme.tickSize)
      .attr("fill", colour)
      .attr("stroke", "#ffffff")
      .attr("stroke-width", 3)
      .attr("paint-order", "stroke")
      .text(spec.label);
  }
}
