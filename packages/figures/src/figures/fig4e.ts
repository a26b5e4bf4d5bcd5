import type { PairedFigureInput } from "../inputs/types.js";
import { messageFigure } from "../svg/message.js";
import { r2 } from "../svg/figure.js";
import { theme } from "../theme.js";
import { fmt, isFiniteNumber, plural } from "./data.js";
import { drawGroupedBars } from "./grouped-bars.js";

/**
 * `fig4e`: one metric per class for two models side by side (same classes, same folds), with the
 * difference B − A printed above the pair wherever |Δ| ≥ `delta_label_min` (default 0.04).
 */
export function fig4eFigure(input: PairedFigureInput): string {
  const { delta_label_min = 0.04 } = input;
  const header = { id: "fig4e", title: `Per-class ${input.metric_label}: ${input.model_a} vs ${input.model_b}` };
  if (input.classes.length === 0) return messageFigure(header, "No data: 0 classes in the input.");
  const paired = input.classes.filter((c) => isFiniteNumber(c.a) || isFiniteNumber(c.b));
  if (paired.length === 0) return messageFigure(header, `No plottable values: both models are undefined (NaN/null) for all ${plural(input.classes.length, "class", "classes")}.`);
  if (input.classes.length === 1) return messageFigure(header, `Only one class (${input.classes[0]?.class}): a per-class comparison needs at least 2.`);
  const chart = drawGroupedBars({
    id: "fig4e",
    title: header.title,
    subtitle: `Δ = ${input.model_b} − ${input.model_a}, shown where |Δ| ≥ ${fmt(delta_label_min)}`,
    categories: input.classes.map((c) => c.class),
    series: [
      { name: input.model_a, colour: theme.neutral, values: input.classes.map((c) => c.a) },
      { name: input.model_b, colour: theme.primary, values: input.classes.map((c) => c.b) },
    ],
    valueLabel: input.metric_label,
    categoryLabel: "Class",
    widthIn: Math.max(6.5, 1.5 + input.classes.length * 0.45),
  });
  const g = chart.fig.plot.append("g").attr("class", "deltas");
  let labelled = 0;
  for (const c of input.classes) {
    if (!isFiniteNumber(c.a) || !isFiniteNumber(c.b)) continue;
    const d = c.b - c.a;
    if (Math.abs(d) < delta_label_min) continue;
    labelled += 1;
    g.append("text").attr("class", "delta").attr("data-label", c.class).attr("data-value", String(d))
      .attr("x", r2(chart.x(c.class) + chart.bandwidth / 2)).attr("y", r2(chart.y(Math.max(c.a, c.b)) - 5))
      .attr("text-anchor", "middle").attr("font-size", theme.tickSize - 1).attr("fill", d > 0 ? theme.primary : theme.negative)
      .text(`${d > 0 ? "+" : "−"}${fmt(Math.abs(d))}`);
  }
  const unpaired = input.classes.length - input.classes.filter((c) => isFiniteNumber(c.a) && isFiniteNumber(c.b)).length;
  chart.fig.note(`${labelled} of ${plural(input.classes.length, "class", "classes")} with |Δ| ≥ ${fmt(delta_label_min)}`);
  if (unpaired > 0) chart.fig.note(`${plural(unpaired, "class", "classes")} with an undefined value (NaN/null) for one model: no Δ`);
  return chart.fig.toString();
}
