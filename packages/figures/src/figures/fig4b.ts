import type { PerGradeFigureInput } from "../inputs/types.js";
import { messageFigure } from "../svg/message.js";
import { METRIC_COLOURS } from "../theme.js";
import { isFiniteNumber, plural } from "./data.js";
import { drawGroupedBars } from "./grouped-bars.js";

/**
 * ISUP grade group → Gleason patterns (Epstein 2016): 1 = 3+3 (≤ 6), 2 = 3+4, 3 = 4+3,
 * 4 = 8 (4+4, 3+5, 5+3), 5 = 9–10. Grade 0 is benign (no cancer).
 */
export const ISUP_GLEASON: Readonly<Record<number, string>> = {
  0: "benign",
  1: "3+3 (≤6)",
  2: "3+4",
  3: "4+3",
  4: "4+4, 3+5, 5+3",
  5: "9–10",
};

/** `fig4b`: precision, recall and F1 for each true ISUP grade, labelled "ISUP k" with its Gleason patterns. */
export function fig4bFigure(input: PerGradeFigureInput): string {
  const header = { id: "fig4b", title: "PANDA per-grade precision, recall and F1 (ISUP grade groups)", subtitle: "out-of-fold ensemble predictions" };
  if (input.grades.length === 0) return messageFigure(header, "No data: 0 ISUP grades in the input.");
  const grades = [...input.grades].sort((a, b) => a.isup - b.isup);
  const anyValue = grades.some((g) => isFiniteNumber(g.precision) || isFiniteNumber(g.recall) || isFiniteNumber(g.f1));
  if (!anyValue) return messageFigure(header, `No plottable values: precision, recall and F1 are undefined for all ${plural(grades.length, "grade")}.`);
  if (grades.length === 1) return messageFigure(header, `Only one ISUP grade in the data (ISUP ${grades[0]?.isup}).`, ["Per-grade metrics need at least 2 grades."]);
  const chart = drawGroupedBars({
    id: "fig4b",
    title: header.title,
    subtitle: header.subtitle,
    categories: grades.map((g) => `ISUP ${g.isup}`),
    sublabels: grades.map((g) => [ISUP_GLEASON[g.isup] ?? "unknown grade", `n=${g.support}`]),
    series: [
      { name: "precision", colour: METRIC_COLOURS.precision, values: grades.map((g) => g.precision) },
      { name: "recall", colour: METRIC_COLOURS.recall, values: grades.map((g) => g.recall) },
      { name: "F1", colour: METRIC_COLOURS.f1, values: grades.map((g) => g.f1) },
    ],
    valueLabel: "Score (one grade vs the rest)",
    categoryLabel: "True ISUP grade group (Gleason pattern)",
  });
  const undefinedCount = grades.reduce((s, g) => s + [g.precision, g.recall, g.f1].filter((v) => !isFiniteNumber(v)).length, 0);
  if (undefinedCount > 0) chart.fig.note(`${undefinedCount} undefined value(s) (NaN/null, e.g. precision of a never-predicted grade): no bar drawn`);
  return chart.fig.toString();
}
