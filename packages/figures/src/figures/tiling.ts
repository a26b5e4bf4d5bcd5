import type { TilingFigureInput } from "../inputs/types.js";
import { histogramFigure } from "./histogram.js";

function tokensFigure(id: string, scale: string, values: number[], budget: number): string {
  return histogramFigure({
    id,
    title: `Tiles (tokens) kept per slide at ${scale} µm/px`,
    subtitle: "tiles with ≥ 30% tissue, sampled down to the budget",
    xLabel: `Tiles per slide at ${scale} µm/px`,
    values,
    xMin: 0,
    threshold: { value: budget, label: `budget ${budget}`, kind: "budget" },
  });
}

/** `tiling-tokens-0p5`: histogram of tiles per slide at 0.5 µm/px with the token budget. */
export function tilingTokens0p5Figure(input: TilingFigureInput): string {
  return tokensFigure("tiling-tokens-0p5", "0.5", input.slides.map((s) => s.n_tiles_0p5), input.budget_0p5);
}

/** `tiling-tokens-2p0`: histogram of tiles per slide at 2.0 µm/px with the token budget. */
export function tilingTokens2p0Figure(input: TilingFigureInput): string {
  return tokensFigure("tiling-tokens-2p0", "2.0", input.slides.map((s) => s.n_tiles_2p0), input.budget_2p0);
}
