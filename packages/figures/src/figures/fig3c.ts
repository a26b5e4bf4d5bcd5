import type { PerClassFigureInput } from "../inputs/types.js";
import { messageFigure } from "../svg/message.js";
import { categoryBarsFigure } from "./category-bars.js";
import { isFiniteNumber, mean, plural, sampleSd } from "./data.js";
import { organSystemOf } from "./organ-systems.js";

/**
 * `fig3c`: mean ± SD (ddof 1) of per-class F1 within each organ system, "n = #types" above each
 * bar, systems sorted by mean F1. Systems with one type have no SD and no error bar.
 */
export function fig3cFigure(input: PerClassFigureInput): string {
  const groups = new Map<string, number[]>();
  let missing = 0;
  for (const c of input.classes) {
    if (!isFiniteNumber(c.f1)) {
      missing += 1;
      continue;
    }
    const organ = organSystemOf(c.class, input.organ_systems);
    groups.set(organ, [...(groups.get(organ) ?? []), c.f1]);
  }
  const rows = [...groups]
    .map(([organ, f1s]) => {
      const m = mean(f1s);
      const sd = sampleSd(f1s);
      return {
        label: organ,
        value: m,
        annotation: `n=${f1s.length}`,
        interval: Number.isNaN(sd) ? null : ([m - sd, m + sd] as [number, number]),
      };
    })
    .sort((a, b) => b.value - a.value || (a.label < b.label ? -1 : 1));
  const title = "TCGA per-class F1 grouped by organ system (mean ± SD over cancer types)";
  const finite = input.classes.length - missing;
  if (input.classes.length > 0 && finite === 1) {
    return messageFigure({ id: "fig3c", title, subtitle: input.source }, "Only 1 class has an F1 value.", [
      "Organ-system means of per-class F1 need at least 2 classes.",
    ]);
  }
  const svgRows = input.classes.length === 0 ? [] : rows.length > 0 ? rows : input.classes.map((c) => ({ label: c.class, value: null }));
  return categoryBarsFigure({
    id: "fig3c",
    title,
    subtitle: input.source,
    valueLabel: "Mean per-class F1 (± SD)",
    categoryLabel: "Organ system",
    rows: svgRows,
    unit: rows.length > 0 ? "organ system" : "class",
    domain: [0, 1],
    notes: [
      "n = number of cancer types in the organ system; error bars: ± 1 SD (ddof 1) across those types",
      ...(missing > 0 && rows.length > 0 ? [`${plural(missing, "class", "classes")} with undefined F1 (NaN/null) left out`] : []),
      ...(rows.some((r) => r.interval === null) ? ["no error bar: organ system with a single cancer type (SD undefined)"] : []),
    ],
  });
}
