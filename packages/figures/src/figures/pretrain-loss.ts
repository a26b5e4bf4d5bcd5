import { extent, max, min, scaleLinear } from "d3";
import type { PretrainLossFigureInput } from "../inputs/types.js";
import { drawAxes, drawRefLine } from "../svg/axes.js";
import { createFigure, r2 } from "../svg/figure.js";
import { drawLegend } from "../svg/legend.js";
import { messageFigure } from "../svg/message.js";
import { OKABE_ITO, theme } from "../theme.js";
import { isFiniteNumber, plural } from "./data.js";

const SERIES = [
  { key: "loss", name: "total loss", colour: OKABE_ITO[7] },
  { key: "loss_byol", name: "BYOL loss", colour: OKABE_ITO[0] },
  { key: "loss_mfr", name: "MFR loss", colour: OKABE_ITO[3] },
] as const;

/**
 * `pretrain-loss`: total, BYOL and MFR losses against the global optimizer step, one line each
 * (gaps where a value is undefined), with a dashed line where phase 2 starts.
 */
export function pretrainLossFigure(input: PretrainLossFigureInput): string {
  const header = { id: "pretrain-loss", title: "Self-supervised pretraining loss (BYOL + MFR) per logged step" };
  if (input.rows.length === 0) return messageFigure(header, "No data: the training log has 0 rows.");
  const rows = [...input.rows].sort((a, b) => a.step - b.step);
  const values = rows.flatMap((r) => SERIES.map((s) => r[s.key])).filter(isFiniteNumber);
  if (values.length === 0) return messageFigure(header, `No plottable values: every loss is undefined (NaN/null) in ${plural(rows.length, "row")}.`);
  const fig = createFigure({ ...header, margin: { top: 80 } });
  const [s0, s1] = extent(rows, (r) => r.step) as [number, number];
  const x = scaleLinear().domain([s0, s1 === s0 ? s0 + 1 : s1]).range([0, fig.width]);
  const lo = Math.min(0, min(values) ?? 0);
  const y = scaleLinear().domain([lo, max(values) ?? 1]).nice().range([fig.height, 0]);
  drawAxes(fig, { scale: x, label: "Global optimizer step", ticks: 6 }, { scale: y, label: "Loss", ticks: 6, grid: true });
  const g = fig.plot.append("g").attr("class", "marks");
  const shown = SERIES.filter((s) => rows.some((r) => isFiniteNumber(r[s.key])));
  for (const s of shown) {
    let d = "";
    let pen = false;
    let n = 0;
    for (const r of rows) {
      const v = r[s.key];
      if (!isFiniteNumber(v)) {
        pen = false;
        continue;
      }
      d += `${pen ? "L" : "M"}${r2(x(r.step))},${r2(y(v))}`;
      pen = true;
      n += 1;
    }
    g.append("path").attr("class", "mark line").attr("data-series", s.key).attr("data-points", n).attr("d", d)
      .attr("fill", "none").attr("stroke", s.colour).attr("stroke-width", 1.6);
  }
  const phase2 = rows.find((r) => r.phase === 2);
  if (phase2 && rows.some((r) => r.phase === 1)) {
    drawRefLine(fig, { axis: "x", value: phase2.step, position: x(phase2.step), label: "phase 2 (end to end) starts", kind: "phase", colour: theme.muted });
  }
  drawLegend(fig, shown.map((s) => ({ label: s.name, colour: s.colour, swatch: "line" as const })), { x: 0, y: -34, perColumn: 1, columnWidth: 150 });
  const undef = rows.filter((r) => !isFiniteNumber(r.loss)).length;
  fig.note(`${plural(rows.length, "logged row")}`);
  if (undef > 0) fig.note(`${plural(undef, "row")} with undefined total loss (NaN/null): gaps in the line`);
  return fig.toString();
}
