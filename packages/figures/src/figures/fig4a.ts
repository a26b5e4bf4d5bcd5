import { scaleLinear } from "d3";
import type { RocFigureInput } from "../inputs/types.js";
import { drawAxes } from "../svg/axes.js";
import { createFigure, r2 } from "../svg/figure.js";
import { drawLegend } from "../svg/legend.js";
import { messageFigure } from "../svg/message.js";
import { theme } from "../theme.js";
import { fmt, isFiniteNumber, plural } from "./data.js";
import { areaUnder, rocCurve } from "./roc.js";

/**
 * `fig4a`: ROC curve of the CAMELYON16 OOF tumour probabilities with AUROC and 95% CI, the chance
 * diagonal, and published AUROCs as a text annotation (an AUROC is an area, not a point on the curve).
 */
export function fig4aFigure(input: RocFigureInput): string {
  const header = { id: "fig4a", title: "CAMELYON16 slide-level metastasis detection: ROC curve", subtitle: "out-of-fold predictions, 5-fold CV", widthIn: 6, heightIn: 6 };
  if (input.slides.length === 0) return messageFigure(header, "No data: 0 slides in the input.");
  const ok = input.slides.filter((s) => isFiniteNumber(s.p_tumor));
  const missing = input.slides.length - ok.length;
  if (ok.length === 0) return messageFigure(header, `No plottable scores: all ${plural(input.slides.length, "slide")} have p_tumor undefined (NaN/null).`);
  const labels = ok.map((s) => s.y_true);
  const curve = rocCurve(labels, ok.map((s) => s.p_tumor as number));
  if (!curve) {
    const only = labels[0] === 1 ? "tumour" : "normal";
    return messageFigure(header, `ROC undefined: all ${plural(ok.length, "slide")} are ${only} (a single class).`, ["A ROC curve needs both tumour and normal slides."]);
  }
  const fig = createFigure({ ...header, margin: { left: 64, right: 24, bottom: 58 } });
  const x = scaleLinear().domain([0, 1]).range([0, fig.width]);
  const y = scaleLinear().domain([0, 1]).range([fig.height, 0]);
  drawAxes(fig, { scale: x, label: "False-positive rate (1 − specificity)", ticks: 5, grid: true }, { scale: y, label: "True-positive rate (sensitivity)", ticks: 5, grid: true });
  fig.plot.append("line").attr("class", "chance").attr("x1", 0).attr("y1", r2(fig.height)).attr("x2", r2(fig.width)).attr("y2", 0)
    .attr("stroke", theme.neutral).attr("stroke-dasharray", theme.dash);
  const d = curve.map((p, i) => `${i === 0 ? "M" : "L"}${r2(x(p.fpr))},${r2(y(p.tpr))}`).join("");
  const auc = input.auroc ?? areaUnder(curve);
  fig.plot.append("path").attr("class", "mark roc-curve").attr("data-points", curve.length).attr("data-auroc", String(auc))
    .attr("d", d).attr("fill", "none").attr("stroke", theme.primary).attr("stroke-width", 2);
  const ci = input.auroc_ci95 ? `, 95% CI ${fmt(input.auroc_ci95[0], 3)}–${fmt(input.auroc_ci95[1], 3)}` : "";
  const pos = labels.filter((l) => l === 1).length;
  const refsTop = fig.height - 14 - 15 * input.references.length;
  const legendTop = refsTop - (input.references.length > 0 ? 58 : 24);
  drawLegend(fig, [
    { label: `this model: AUROC ${fmt(auc, 3)}${ci}${input.auroc === null ? " (from curve)" : ""}`, colour: theme.primary, swatch: "line" },
    { label: "chance (AUROC 0.5)", colour: theme.neutral, swatch: "dashed" },
  ], { x: r2(fig.width * 0.22), y: r2(legendTop), perColumn: 2, columnWidth: 300 });
  if (input.references.length > 0) {
    const g = fig.plot.append("g").attr("class", "reference-annotations").attr("transform", `translate(${r2(fig.width * 0.22)},${r2(refsTop)})`);
    g.append("text").attr("font-size", theme.tickSize - 1).attr("fill", theme.muted).text("Published AUROCs (other models, not re-computed here):");
    input.references.forEach((r, i) => {
      g.append("text").attr("class", "reference-annotation").attr("data-auroc", String(r.auroc)).attr("y", 15 * (i + 1))
        .attr("font-size", theme.tickSize - 1).attr("fill", theme.ink).text(`${r.name}: ${fmt(r.auroc, 3)}${r.source ? ` (${r.source})` : ""}`);
    });
  }
  fig.note(`n = ${ok.length} slides (${pos} tumour, ${ok.length - pos} normal)`);
  const area = areaUnder(curve);
  if (input.auroc !== null && Math.abs(input.auroc - area) > 1e-6) {
    fig.note(`warning: the AUROC in the input (${fmt(input.auroc, 4)}) differs from the area under this curve (${fmt(area, 4)})`);
  }
  if (missing > 0) fig.note(`${plural(missing, "slide")} with undefined p_tumor (NaN/null) left out`);
  return fig.toString();
}
