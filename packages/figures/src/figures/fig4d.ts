import { interpolateBlues, scaleBand, scaleLinear } from "d3";
import type { TransitionFigureInput } from "../inputs/types.js";
import { createFigure, r2 } from "../svg/figure.js";
import { messageFigure } from "../svg/message.js";
import { theme } from "../theme.js";
import { fmt } from "./data.js";

/**
 * `fig4d`: heat map of the confusion ("transition") matrix normalised per row (each true pN row
 * sums to 1), Blues from 0 to 1, each cell annotated with its fraction and count, and a colour bar.
 */
export function fig4dFigure(input: TransitionFigureInput): string {
  const header = { id: "fig4d", title: "CAMELYON17 pN transitions: fraction of each true stage predicted as each stage", subtitle: "rows normalised to sum to 1", widthIn: 6.5, heightIn: 5.5 };
  const k = input.labels.length;
  if (k === 0 || input.counts.length === 0) return messageFigure(header, "No data: an empty matrix.");
  if (input.counts.length !== k || input.counts.some((row) => row.length !== k)) {
    return messageFigure(header, `Malformed matrix: ${input.counts.length} rows for ${k} labels.`, [`Expected a ${k} × ${k} matrix of counts (rows = true, columns = predicted).`]);
  }
  const total = input.counts.flat().reduce((s, v) => s + v, 0);
  if (total === 0) return messageFigure(header, "No data: every count is 0.");
  if (k === 1) return messageFigure(header, `A single class (${input.labels[0]}): a transition matrix needs at least 2.`);
  const fig = createFigure({ ...header, margin: { left: 80, right: 110, bottom: 64, top: 76 } });
  const size = Math.min(fig.width, fig.height);
  const x = scaleBand<string>().domain(input.labels).range([0, size]);
  const y = scaleBand<string>().domain(input.labels).range([0, size]);
  const g = fig.plot.append("g").attr("class", "marks");
  const emptyRows: string[] = [];
  input.counts.forEach((row, i) => {
    const n = row.reduce((s, v) => s + v, 0);
    const t = input.labels[i] as string;
    if (n === 0) emptyRows.push(t);
    row.forEach((c, j) => {
      const p = input.labels[j] as string;
      const frac = n > 0 ? c / n : Number.NaN;
      const cell = g.append("g").attr("class", "mark cell").attr("data-true", t).attr("data-pred", p).attr("data-value", Number.isNaN(frac) ? "NaN" : String(frac)).attr("data-count", c);
      cell.append("rect").attr("x", r2(x(p) ?? 0)).attr("y", r2(y(t) ?? 0)).attr("width", r2(x.bandwidth())).attr("height", r2(y.bandwidth()))
        .attr("fill", Number.isNaN(frac) ? "#eeeeee" : interpolateBlues(frac)).attr("stroke", "#ffffff");
      cell.append("text").attr("x", r2((x(p) ?? 0) + x.bandwidth() / 2)).attr("y", r2((y(t) ?? 0) + y.bandwidth() / 2 + 4)).attr("text-anchor", "middle")
        .attr("fill", !Number.isNaN(frac) && frac > 0.6 ? "#ffffff" : theme.ink).attr("font-size", theme.tickSize)
        .text(Number.isNaN(frac) ? "–" : `${fmt(frac)} (${c})`);
    });
  });
  const ax = fig.plot.append("g").attr("class", "axis x").attr("data-domain", input.labels.join("|")).attr("font-size", theme.tickSize);
  const ay = fig.plot.append("g").attr("class", "axis y").attr("data-domain", input.labels.join("|")).attr("font-size", theme.tickSize);
  for (const l of input.labels) {
    ax.append("text").attr("x", r2((x(l) ?? 0) + x.bandwidth() / 2)).attr("y", r2(size + 18)).attr("text-anchor", "middle").attr("fill", theme.ink).text(l);
    ay.append("text").attr("x", -8).attr("y", r2((y(l) ?? 0) + y.bandwidth() / 2 + 4)).attr("text-anchor", "end").attr("fill", theme.ink).text(l);
  }
  fig.plot.append("text").attr("class", "axis-label x").attr("x", r2(size / 2)).attr("y", r2(size + 44)).attr("text-anchor", "middle").attr("fill", theme.ink).text("Predicted pN stage");
  fig.plot.append("text").attr("class", "axis-label y").attr("transform", `translate(-56,${r2(size / 2)}) rotate(-90)`).attr("text-anchor", "middle").attr("fill", theme.ink).text("True pN stage");
  // Colour bar 0–1.
  const cb = fig.plot.append("g").attr("class", "colour-bar").attr("data-domain", "0|1").attr("transform", `translate(${r2(size + 24)},0)`);
  const cy = scaleLinear().domain([0, 1]).range([size, 0]);
  const steps = 50;
  for (let i = 0; i < steps; i++) {
    const v0 = i / steps;
    cb.append("rect").attr("x", 0).attr("y", r2(cy(v0 + 1 / steps))).attr("width", 14).attr("height", r2(size / steps + 0.5)).attr("fill", interpolateBlues(v0 + 0.5 / steps));
  }
  for (const t of [0, 0.25, 0.5, 0.75, 1]) {
    cb.append("line").attr("x1", 14).attr("x2", 18).attr("y1", r2(cy(t))).attr("y2", r2(cy(t))).attr("stroke", theme.ink);
    cb.append("text").attr("x", 21).attr("y", r2(cy(t) + 4)).attr("font-size", theme.tickSize - 1).attr("fill", theme.ink).text(fmt(t));
  }
  cb.append("text").attr("transform", `translate(58,${r2(size / 2)}) rotate(-90)`).attr("text-anchor", "middle").attr("font-size", theme.tickSize).attr("fill", theme.ink).text("Fraction of the true-stage row");
  fig.note(`cells: row fraction (count); n = ${total} patients`);
  if (emptyRows.length > 0) fig.note(`no patients with true stage ${emptyRows.join(", ")}: row undefined (–)`);
  return fig.toString();
}
