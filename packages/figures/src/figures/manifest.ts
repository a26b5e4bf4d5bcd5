import type { ManifestFigureInput } from "../inputs/types.js";
import { categoryBarsFigure } from "./category-bars.js";
import { isFiniteNumber } from "./data.js";
import { histogramFigure } from "./histogram.js";
import { rankedBarsFigure } from "./ranked-bars.js";

const GIB = 1024 ** 3;

/** `manifest-size`: histogram of slide file sizes in GiB. */
export function manifestSizeFigure(input: ManifestFigureInput): string {
  return histogramFigure({
    id: "manifest-size",
    title: `${input.dataset} manifest: slide file size`,
    xLabel: "File size (GiB)",
    values: input.slides.map((s) => (s.size_bytes === null ? null : s.size_bytes / GIB)),
    xMin: 0,
  });
}

/** `manifest-mpp`: share of slides that declare both mpp values vs those that do not. */
export function manifestMppFigure(input: ManifestFigureInput): string {
  const n = input.slides.length;
  const both = input.slides.filter((s) => isFiniteNumber(s.mpp_x) && isFiniteNumber(s.mpp_y)).length;
  return categoryBarsFigure({
    id: "manifest-mpp",
    title: `${input.dataset} manifest: slides with a declared resolution (µm/px)`,
    valueLabel: "Slides (%)",
    categoryLabel: "Resolution metadata",
    unit: "slide",
    n,
    rows:
      n === 0
        ? []
        : [
            { label: "mpp x and y declared", value: (100 * both) / n, annotation: `${both} of ${n}` },
            { label: "mpp missing", value: (100 * (n - both)) / n, annotation: `${n - both} of ${n}` },
          ],
    domain: [0, 100],
  });
}

/** `manifest-codes`: number of slides per cancer code, the 30 largest. */
export function manifestCodesFigure(input: ManifestFigureInput): string {
  const counts = new Map<string, number>();
  for (const s of input.slides) counts.set(s.cancer_code, (counts.get(s.cancer_code) ?? 0) + 1);
  return rankedBarsFigure({
    id: "manifest-codes",
    title: `${input.dataset} manifest: slides per cancer code${counts.size > 30 ? ` (30 largest of ${counts.size})` : ""}`,
    valueLabel: "Number of slides",
    categoryLabel: "Cancer code",
    rows: [...counts].map(([label, value]) => ({ label, value, annotation: String(value) })),
    top: 30,
    unit: "cancer code",
  });
}
