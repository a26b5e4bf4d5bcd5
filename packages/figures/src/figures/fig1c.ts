import { max, min, scaleBand, scaleLinear, scaleLog } from "d3";
import type { EfficiencyFigureInput } from "../inputs/types.js";
import { drawAxes } from "../svg/axes.js";
import { createFigure, r2, splitPanels, type Panel } from "../svg/figure.js";
import { drawLegend } from "../svg/legend.js";
import { messageFigure } from "../svg/message.js";
import { theme } from "../theme.js";
import { isFiniteNumber } from "./data.js";

interface BarRow {
  name: string;
  value: number;
  ours: boolean;
}

function panelBars(panel: Panel, rows: BarRow[], y: (v: number) => number, base: number, fmtValue: (v: number) => string, cls: string): void {
  const x = scaleBand<string>().domain(rows.map((r) => r.name)).range([0, panel.width]).padding(0.25);
  const g = panel.plot.append("g").attr("class", `marks ${cls}`);
  for (const r of rows) {
    const top = y(r.value);
    g.append("rect")
      .attr("class", "mark bar")
      .attr("data-label", r.name)
      .attr("data-value", String(r.value))
      .attr("x", r2(x(r.name) ?? 0))
      .attr("y", r2(top))
      .attr("width", r2(x.bandwidth()))
      .attr("height", r2(base - top))
      .attr("fill", r.ours ? theme.primary : theme.neutral);
    g.append("text")
      .attr("class", "bar-annotation")
      .attr("x", r2((x(r.name) ?? 0) + x.bandwidth() / 2))
      .attr("y", r2(top - 4))
      .attr("text-anchor", "middle")
      .attr("font-size", theme.tickSize - 1)
      .attr("fill", theme.ink)
      .text(fmtValue(r.value));
  }
}

/**
 * `fig1c`: parameters (millions, log axis) and memory (GB, as labelled by the input) per model,
 * the workspace's own model highlighted. All numbers come from the input; none are built in.
 */
export function fig1cFigure(input: EfficiencyFigureInput): string {
  const header = { id: "fig1c", title: "Computational efficiency: parameters and memory per model", widthIn: 8 };
  if (input.models.length === 0) return messageFigure(header, "No data: 0 models in the input.");
  const params = input.models.filter((m) => m.params_millions > 0).map((m) => ({ name: m.name, value: m.params_millions, ours: m.ours }));
  const memory = input.models.filter((m) => isFiniteNumber(m.memory_gb)).map((m) => ({ name: m.name, value: m.memory_gb as number, ours: m.ours }));
  const fig = createFigure({ ...header, margin: { bottom: 70, top: 92 } });
  const [left, right] = splitPanels(fig, 2, 80) as [Panel, Panel];
  const xParams = scaleBand<string>().domain(input.models.map((m) => m.name)).range([0, left.width]).padding(0.25);
  if (params.length > 0) {
    const lo = (min(params, (p) => p.value) ?? 1) / 2;
    const hi = (max(params, (p) => p.value) ?? 10) * 2;
    const yParams = scaleLog().domain([lo, hi]).range([left.height, 0]);
    drawAxes(left, { scale: xParams, label: "Model" }, { scale: yParams, label: "Parameters (millions, log scale)", ticks: 4, specifier: "~s", grid: true });
    panelBars(left, params, (v) => yParams(v), left.height, (v) => `${v.toFixed(v < 10 ? 1 : 0)} M`, "params");
  }
  const xMem = scaleBand<string>().domain(input.models.map((m) => m.name)).range([0, right.width]).padding(0.25);
  if (memory.length > 0) {
    const yMem = scaleLinear().domain([0, max(memory, (m) => m.value) ?? 1]).nice().range([right.height, 0]);
    drawAxes(right, { scale: xMem, label: "Model" }, { scale: yMem, label: input.memory_label, ticks: 5, grid: true });
    panelBars(right, memory, (v) => yMem(v), right.height, (v) => `${v.toFixed(v < 10 ? 1 : 0)}`, "memory");
  } else {
    right.plot.append("text").attr("class", "message-text").attr("x", r2(right.width / 2)).attr("y", r2(right.height / 2))
      .attr("text-anchor", "middle").attr("fill", theme.muted).text("memory unknown for every model");
  }
  drawLegend(fig, [
    { label: "this workspace's model", colour: theme.primary },
    { label: "other models (cited)", colour: theme.neutral },
  ], { x: fig.width - 210, y: -46, perColumn: 2, columnWidth: 210 });
  const cited = input.models.filter((m) => !m.ours).map((m) => `${m.name}: ${m.source}`);
  if (cited.length > 0) fig.note(`Sources: ${cited.join("; ")}`);
  const noParams = input.models.length - params.length;
  if (noParams > 0) fig.note(`${noParams} model(s) without a positive parameter count not shown`);
  return fig.toString();
}
