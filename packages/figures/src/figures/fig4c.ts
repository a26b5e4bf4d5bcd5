import type { PerCenterFigureInput } from "../inputs/types.js";
import { theme } from "../theme.js";
import { categoryBarsFigure } from "./category-bars.js";
import { fmt, isFiniteNumber, mean } from "./data.js";

/**
 * `fig4c`: quadratic-weighted κ of each held-out CAMELYON17 center (leave-one-center-out), blue
 * when ≥ 0 and vermillion when < 0, with a dashed line at the **pooled** κ (all centers' LOCO
 * predictions together), labelled as pooled. The mean of the per-center κ is given in a note.
 */
export function fig4cFigure(input: PerCenterFigureInput): string {
  const kappas = input.centers.map((c) => c.kappa_qw).filter(isFiniteNumber);
  const pooled = input.pooled_kappa_qw;
  const ci = input.pooled_ci95 ? ` (95% CI ${fmt(input.pooled_ci95[0])}–${fmt(input.pooled_ci95[1])})` : "";
  return categoryBarsFigure({
    id: "fig4c",
    title: "CAMELYON17 pN staging: quadratic-weighted κ per held-out center",
    subtitle: "leave-one-center-out; each bar = κ on one center's patients",
    valueLabel: "Quadratic-weighted Cohen's κ",
    categoryLabel: "Held-out center",
    unit: "center",
    rows: input.centers.map((c) => ({
      label: c.center,
      value: c.kappa_qw,
      annotation: `n=${c.n_patients}`,
      colour: isFiniteNumber(c.kappa_qw) && c.kappa_qw < 0 ? theme.negative : theme.primary,
    })),
    domain: [Math.min(0, ...kappas), 1],
    ...(isFiniteNumber(pooled) ? { refLine: { value: pooled, label: `pooled κ (all centers) = ${fmt(pooled)}${ci}`, kind: "pooled" } } : {}),
    notes: [
      ...(kappas.length > 0 ? [`mean of per-center κ = ${fmt(mean(kappas))} (not the pooled κ)`] : []),
      ...(isFiniteNumber(pooled) ? [] : ["pooled κ undefined (NaN/null): no pooled line"]),
    ],
  });
}
