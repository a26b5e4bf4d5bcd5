import type { PerClassFigureInput } from "../inputs/types.js";
import { theme } from "../theme.js";
import { fmt, isFiniteNumber, mean, plural } from "./data.js";
import { rankedBarsFigure } from "./ranked-bars.js";

/** `fig3a`: per-class F1 as horizontal bars (highest at the top), x 0–1, dashed line at the mean F1. */
export function fig3aFigure(input: PerClassFigureInput): string {
  const f1s = input.classes.map((c) => c.f1).filter(isFiniteNumber);
  return rankedBarsFigure({
    id: "fig3a",
    title: `TCGA per-class F1 (${plural(input.classes.length, "class", "classes")})`,
    subtitle: input.source,
    valueLabel: "F1 score",
    categoryLabel: "Cancer type",
    rows: input.classes.map((c) => ({ label: c.class, value: c.f1, annotation: isFiniteNumber(c.f1) ? `${fmt(c.f1)}  n=${c.support_patients}` : "" })),
    domain: [0, 1],
    unit: "class",
    minRows: 2,
    minRowsReason: "Per-class F1 of a single class is not a classification result: need ≥ 2 classes.",
    ...(f1s.length >= 2 ? { refLine: { value: mean(f1s), label: `mean F1 = ${fmt(mean(f1s))}`, kind: "mean" } } : {}),
  });
}

/** `fig3b`: per-class one-vs-rest AUROC as horizontal bars, x from 0.5 (chance) to 1, dashed mean line. */
export function fig3bFigure(input: PerClassFigureInput): string {
  const aucs = input.classes.map((c) => c.auroc_ovr).filter(isFiniteNumber);
  return rankedBarsFigure({
    id: "fig3b",
    title: `TCGA per-class one-vs-rest AUROC (${plural(input.classes.length, "class", "classes")})`,
    subtitle: input.source,
    valueLabel: "One-vs-rest AUROC (0.5 = chance)",
    categoryLabel: "Cancer type",
    rows: input.classes.map((c) => ({ label: c.class, value: c.auroc_ovr, annotation: isFiniteNumber(c.auroc_ovr) ? fmt(c.auroc_ovr, 3) : "" })),
    domain: [0.5, 1],
    unit: "class",
    minRows: 2,
    minRowsReason: "One-vs-rest AUROC needs at least 2 classes with both positives and negatives.",
    colour: theme.secondary,
    ...(aucs.length >= 2 ? { refLine: { value: mean(aucs), label: `mean AUROC = ${fmt(mean(aucs), 3)}`, kind: "mean" } } : {}),
  });
}
