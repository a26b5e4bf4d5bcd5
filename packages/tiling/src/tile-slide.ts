import path from "node:path";
import type { Slide } from "@osfm/wsi";
import { MaskIntegral } from "./coverage";
import { TilingError } from "./errors";
import { correctedGrid, paperGrid, type GridInput } from "./grid";
import { rowsToArrow } from "./manifest";
import { resolveMpp } from "./mpp";
import { sampleIndices, scaleLabel, tileSeed } from "./seed";
import type { ScaleSummary, TileManifest, TileRow, TileSlideOptions, TissueMaskLike } from "./types";

/** The original NB04 token budgets per target scale. */
export const DEFAULT_BUDGETS: Readonly<Record<number, number>> = { 0.5: 1200, 2: 400 };

function checkMask(mask: TissueMaskLike, subject: string): void {
  const ok = Number.isInteger(mask.width) && Number.isInteger(mask.height) && mask.width > 0 && mask.height > 0;
  if (!ok || mask.data.length !== mask.width * mask.height) {
    throw new TilingError("BAD_MASK", subject, `expected a tissue mask with width*height bytes, got ${mask.width}x${mask.height} and ${mask.data.length} bytes`);
  }
}

function positive(value: number, name: string, subject: string): number {
  if (!(value > 0) || !Number.isFinite(value)) throw new TilingError("BAD_OPTION", subject, `${name} must be a positive number, got ${value}`);
  return value;
}

/**
 * Tiles one slide at each target scale: chooses the level from the slide's µm/px, lays a grid of tiles that
 * each cover `tileSizePx` pixels at the target scale (stride `stridePx`), keeps the tiles whose footprint is
 * at least `minCoverage` tissue according to `tissueMask`, and samples them uniformly without replacement to
 * the scale's budget with a seed derived from the global seed and SHA-256(slide id, scale).
 * Throws a TilingError (code `MISSING_MPP`) naming the slide when its µm/px is unknown and no fallback is allowed.
 */
export function tileSlide(slide: Slide, tissueMask: TissueMaskLike, options: TileSlideOptions = {}): TileManifest {
  const {
    slideId = path.basename(slide.path).replace(/\.[^.]+$/, ""),
    scalesUmPerPx = [0.5, 2.0],
    budgets = DEFAULT_BUDGETS,
    tileSizePx = 256,
    stridePx = 224,
    minCoverage = 0.3,
    globalSeed = 1337,
    paperCompat = false,
    levelTolerance = 0.02,
  } = options;
  const subject = slide.path;
  positive(tileSizePx, "tileSizePx", subject);
  positive(stridePx, "stridePx", subject);
  if (!Number.isSafeInteger(globalSeed) || globalSeed < 0) throw new TilingError("BAD_OPTION", subject, `globalSeed must be a non-negative integer, got ${globalSeed}`);
  if (!slide.levels.length) throw new TilingError("BAD_OPTION", subject, "the slide has no levels");
  checkMask(tissueMask, subject);
  const resolved = resolveMpp(slide, { ...options, paperCompat });
  const integral = new MaskIntegral(tissueMask);
  const warnings = [...resolved.warnings];
  const rows: TileRow[] = [];
  const scales: ScaleSummary[] = [];
  for (const scale of scalesUmPerPx) {
    positive(scale, "scale", subject);
    const budget = budgets[scale];
    if (budget === undefined || !Number.isInteger(budget) || budget < 0) {
      throw new TilingError("BAD_OPTION", subject, `no valid budget for scale ${scale} µm/px (budgets: ${JSON.stringify(budgets)})`);
    }
    const input: GridInput = { levels: slide.levels, mpp: resolved.mpp, mask: tissueMask, integral, scaleUmPerPx: scale, tileSizePx, stridePx, minCoverage, levelTolerance };
    const grid = paperCompat ? paperGrid(input) : correctedGrid(input);
    warnings.push(...grid.warnings);
    const seed = tileSeed(globalSeed, slideId, scale);
    const kept = sampleIndices(grid.candidates.length, budget, seed);
    kept.forEach((ci, tileIdx) => {
      const c = grid.candidates[ci]!;
      rows.push({ slideId, scaleUmPerPx: scale, level: grid.level, x: c.x, y: c.y, readSizePx: grid.readSizePx, coverage: c.coverage, tileIdx });
    });
    if (grid.candidates.length === 0) warnings.push(`scale ${scale}: no tile reaches ${minCoverage} tissue coverage`);
    scales.push({
      scaleUmPerPx: scale,
      level: grid.level,
      levelMpp: grid.levelMpp,
      readSizePx: grid.readSizePx,
      footprintLevel0Px: grid.footprintLevel0Px,
      tileSideUm: grid.footprintLevel0Px * resolved.mpp,
      gridPositions: grid.gridPositions,
      candidates: grid.candidates.length,
      budget,
      selected: kept.length,
      seed,
    });
  }
  const seedByScale = new Map(scales.map((s) => [s.scaleUmPerPx, s.seed]));
  const metadata = {
    mpp: String(resolved.mpp),
    mpp_source: resolved.source,
    paper_compat: String(paperCompat),
    global_seed: String(globalSeed),
    warnings: JSON.stringify(warnings),
    scales: JSON.stringify(scales.map((s) => ({ ...s, seed: s.seed.toString(), label: scaleLabel(s.scaleUmPerPx) }))),
  };
  return {
    slideId,
    rows,
    scales,
    mpp: resolved.mpp,
    mppSource: resolved.source,
    paperCompat,
    globalSeed,
    warnings,
    toArrow: () => rowsToArrow(rows, (r) => seedByScale.get(r.scaleUmPerPx) ?? 0n, metadata),
  };
}
