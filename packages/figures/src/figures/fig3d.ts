import { max, min, scaleLinear, scaleLog } from "d3";
import type { PerClassFigureInput } from "../inputs/types.js";
import { drawAxes } from "../svg/axes.js";
import { createFigure, r2 } from "../svg/figure.js";
import { drawLegend, type LegendEntry } from "../svg/legend.js";
import { messageFigure } from "../svg/message.js";
import { theme } from "../theme.js";
import { fmt, isFiniteNumber, plural } from "./data.js";
import { linearFit } from "./regression.js";

/**
 * `fig3d`: per-class **F1** (not accuracy) against the number of patients of the class on a log
 * x-axis, labelled points, the least-squares fit of F1 on log10(patients) and Pearson r in the legend.
 */
export function fig3dFigure(input: PerClassFigureInput): string {
  const header = {
    id: "fig3d",
    title: "TCGA per-class F1 vs number of patients in the class",
    subtitle: input.source,
  };
  if (input.classes.length === 0) return messageFigure(header, "No data: 0 classes in the input.");
  const pts = input.classes.filter((c) => isFiniteNumber(c.f1) && c.support_patients > 0) as Array<{ class: string; f1: number; support_patients: number }>;
  const noF1 = input.classes.filter((c) => !isFiniteNumber(c.f1)).length;
  const noSupport = input.classes.filter((c) => isFiniteNumber(c.f1) && c.support_patients <= 0).length;
  if (pts.length === 0) return messageFigure(header, "No plottable classes: every class has an undefined F1 or 0 patients.");
  if (pts.length === 1) {
    return messageFigure(header, `Only 1 class to plot (${pts[0]?.class}).`, ["F1 vs class size needs at least 2 classes."]);
  }
  const fig = createFigure(header);
  const sLo = min(pts, (p) => p.support_patients) ?? 1;
  const sHi = max(pts, (p) => p.support_patients) ?? 10;
  const x = scaleLog()
    .domain(sLo === sHi ? [sLo / 2, sHi * 2] : [sLo / 1.2, sHi * 1.2])
    .range([0, fig.width]);
  const y = scaleLinear().domain([0, 1]).range([fig.height, 0]);
  drawAxes(fig, { scale: x, label: "Patients in the class (log scale)", ticks: 6, specifier: "~s", grid: true }, { scale: y, label: "F1 score", ticks: 5, grid: true });
  const lx = pts.map((p) => Math.log10(p.support_patients));
  const fit = linearFit(lx, pts.map((p) => p.f1));
  const entries: LegendEntry[] = [{ label: "cancer type", colour: theme.primary, swatch: "marker" }];
  if (pts.length >= 3 && Number.isFinite(fit.slope)) {
    const [d0, d1] = x.domain() as [number, number];
    const line = fig.plot.append("g").attr("class", "fit").attr("data-slope", String(fit.slope)).attr("data-intercept", String(fit.intercept)).attr("data-r", String(fit.r));
    const steps = 24;
    const path: string[] = [];
    for (let i = 0; i <= steps; i++) {
      const lv = Math.log10(d0) + ((Math.log10(d1) - Math.log10(d0)) * i) / steps;
      const fy = Math.max(0, Math.min(1, fit.intercept + fit.slope * lv));
      path.push(`${i === 0 ? "M" : "L"}${r2(x(10 ** lv))},${r2(y(fy))}`);
    }
    line.append("path").attr("d", path.join("")).attr("fill", "none").attr("stroke", theme.threshold).attr("stroke-width", 1.5).attr("stroke-dasharray", theme.dash);
    const rText = Number.isFinite(fit.r) ? fmt(fit.r) : "undefined (constant F1)";
    entries.push({ label: `fit: F1 = ${fmt(fit.intercept)} + ${fmt(fit.slope)}·log10(patients); Pearson r(F1, log10 patients) = ${rText}`, colour: theme.threshold, swatch: "dashed" });
  }
  const g = fig.plot.append("g").attr("class", "marks");
  for (const p of pts) {
    const cx = r2(x(p.support_patients));
    const cy = r2(y(p.f1));
    g.append("circle").attr("class", "mark point").attr("data-label", p.class).attr("data-x", p.support_patients).attr("data-y", String(p.f1))
      .attr("cx", cx).attr("cy", cy).attr("r", 4).attr("fill", theme.primary).attr("fill-opacity", 0.85);
    g.append("text").attr("class", "point-label").attr("x", r2(cx + 5)).attr("y", r2(cy - 5)).attr("font-size", theme.tickSize - 2).attr("fill", theme.ink).text(p.class);
  }
  drawLegend(fig, entries, { x: 8, y: fig.height - 40, perColumn: 2, columnWidth: 400 });
  if (pts.length < 3) fig.note("no fit line: fewer than 3 classes");
  if (noF1 > 0) fig.note(`${plural(noF1, "class", "classes")} with undefined F1 (NaN/null) not shown`);
  if (noSupport > 0) fig.note(`${plural(noSupport, "class", "classes")} with 0 patients not shown (log axis)`);
  return fig.toString();
}
