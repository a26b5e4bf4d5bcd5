import type { PipelineSettings } from "./schema";

/** Tiles kept per slide at 0.5 and 2.0 µm/px. */
export interface TokenBudget {
  tokens05: number;
  tokens20: number;
}

/** The token budget of a dataset's slides: its `tiling.perDataset` entry, else the global `tokens05` / `tokens20`. */
export function tokenBudget(tiling: PipelineSettings["tiling"], dataset: string | undefined): TokenBudget {
  const own = dataset === undefined ? undefined : tiling.perDataset[dataset as keyof typeof tiling.perDataset];
  return own ?? { tokens05: tiling.tokens05, tokens20: tiling.tokens20 };
}

/** The largest budget of any dataset (what a bag can hold at most, e.g. for pretraining). */
export function largestTokenBudget(tiling: PipelineSettings["tiling"]): TokenBudget {
  const all = [tokenBudget(tiling, undefined), ...Object.values(tiling.perDataset).filter((b): b is TokenBudget => b !== undefined)];
  return { tokens05: Math.max(...all.map((b) => b.tokens05)), tokens20: Math.max(...all.map((b) => b.tokens20)) };
}
