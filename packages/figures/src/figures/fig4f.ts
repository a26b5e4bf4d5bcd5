import type { ByProviderFigureInput } from "../inputs/types.js";
import { categoryBarsFigure } from "./category-bars.js";
import { isFiniteNumber } from "./data.js";

/**
 * `fig4f`: one bar per PANDA data provider of the metric named in the input (title and axis say
 * which), with its 95% CI when given and n per provider.
 */
export function fig4fFigure(input: ByProviderFigureInput): string {
  const values = input.providers.map((p) => p.value).filter(isFiniteNumber);
  const unit = values.every((v) => v >= 0 && v <= 1);
  return categoryBarsFigure({
    id: "fig4f",
    title: `PANDA ${input.metric_label} by data provider`,
    subtitle: input.evaluation,
    valueLabel: input.metric_label,
    categoryLabel: "Data provider",
    unit: "provider",
    rows: input.providers.map((p) => ({ label: p.provider, value: p.value, annotation: `n=${p.n}`, interval: p.ci95 })),
    ...(unit ? { domain: [0, 1] as [number, number] } : {}),
    notes: input.providers.some((p) => p.ci95) ? ["error bars: 95% CI"] : [],
  });
}
