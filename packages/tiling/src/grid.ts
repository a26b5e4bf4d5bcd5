import type { LevelInfo } from "@osfm/wsi";
import { MaskIntegral, paperCoverage } from "./coverage";
import { chooseLevelAtOrFiner, chooseLevelNearest } from "./levels";
import type { TissueMaskLike } from "./types";

/** One grid position that passed the coverage filter: `x`, `y` in level-0 pixels. */
export interface Candidate {
  x: number;
  y: number;
  coverage: number;
}

/** Everything about one scale before sampling. */
export interface ScaleGrid {
  level: number;
  levelMpp: number;
  readSizePx: number;
  footprintLevel0Px: number;
  gridPositions: number;
  candidates: Candidate[];
  warnings: string[];
}

/** Inputs shared by both grid builders. */
export interface GridInput {
  levels: readonly LevelInfo[];
  mpp: number;
  mask: TissueMaskLike;
  integral: MaskIntegral;
  scaleUmPerPx: number;
  tileSizePx: number;
  stridePx: number;
  minCoverage: number;
  levelTolerance: number;
}

function axisOrigins(extent0: number, footprint0: number, stride0: number): number[] {
  if (extent0 + 1e-9 < footprint0) return [];
  const n = Math.floor((extent0 - footprint0) / stride0 + 1e-9) + 1;
  const last = Math.floor(extent0 - footprint0 + 1e-9);
  return Array.from({ length: n }, (_, k) => Math.min(Math.round(k * stride0), last));
}

/**
 * The corrected grid: read at the coarsest level at or finer than the target, `readSizePx` chosen so the
 * tile covers `tileSizePx` pixels at the target scale; origins every `stridePx` target pixels in level-0
 * coordinates; coverage is the exact area fraction of tissue in the footprint.
 */
export function correctedGrid(g: GridInput): ScaleGrid {
  const base = g.levels[0]!;
  const { level, levelMpp } = chooseLevelAtOrFiner(g.levels, g.mpp, g.scaleUmPerPx, g.levelTolerance);
  const ds = g.levels[level]!.downsample;
  const warnings: string[] = [];
  if (levelMpp > g.scaleUmPerPx * (1 + g.levelTolerance)) {
    warnings.push(`scale ${g.scaleUmPerPx}: the finest level is ${levelMpp.toFixed(3)} µm/px, coarser than the target; tiles are upsampled`);
  }
  const readSizePx = Math.max(1, Math.round((g.tileSizePx * g.scaleUmPerPx) / levelMpp));
  const footprint0 = readSizePx * ds;
  const stride0 = (g.stridePx * g.scaleUmPerPx) / g.mpp;
  const xs = axisOrigins(base.width, footprint0, stride0);
  const ys = axisOrigins(base.height, footprint0, stride0);
  if (xs.length === 0 || ys.length === 0) {
    warnings.push(`scale ${g.scaleUmPerPx}: the slide (${base.width}x${base.height} px) is smaller than one tile (${footprint0.toFixed(0)} px)`);
  }
  const sx = g.mask.width / base.width;
  const sy = g.mask.height / base.height;
  const candidates: Candidate[] = [];
  for (const y of ys) {
    for (const x of xs) {
      const coverage = g.integral.boxMean(x * sx, y * sy, (x + footprint0) * sx, (y + footprint0) * sy);
      if (coverage >= g.minCoverage) candidates.push({ x, y, coverage });
    }
  }
  return { level, levelMpp, readSizePx, footprintLevel0Px: footprint0, gridPositions: xs.length * ys.length, candidates, warnings };
}

/**
 * The original NB04 grid (`paperCompat`): nearest-mpp level, `tileSizePx` pixels read at that level with no
 * resampling, origins `range(0, max(level_w − tile, 0) + 1, stride)` in level pixels, the original coverage box.
 * Rows carry level-0 coordinates (`round(level x · downsample)`).
 */
export function paperGrid(g: GridInput): ScaleGrid {
  const base = g.levels[0]!;
  const { level, levelMpp } = chooseLevelNearest(g.levels, g.mpp, g.scaleUmPerPx);
  const info = g.levels[level]!;
  const ds = info.downsample;
  const sx = (g.mask.width / base.width) * ds;
  const sy = (g.mask.height / base.height) * ds;
  const range = (extent: number): number[] => {
    const out: number[] = [];
    for (let v = 0; v <= Math.max(extent - g.tileSizePx, 0); v += g.stridePx) out.push(v);
    return out;
  };
  const xs = range(info.width);
  const ys = range(info.height);
  const candidates: Candidate[] = [];
  for (const y of ys) {
    for (const x of xs) {
      const coverage = paperCoverage(g.mask, sx, sy, x, y, g.tileSizePx);
      if (coverage >= g.minCoverage) candidates.push({ x: Math.round(x * ds), y: Math.round(y * ds), coverage });
    }
  }
  return { level, levelMpp, readSizePx: g.tileSizePx, footprintLevel0Px: g.tileSizePx * ds, gridPositions: xs.length * ys.length, candidates, warnings: [] };
}
