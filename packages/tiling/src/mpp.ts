import type { Slide } from "@osfm/wsi";
import { TilingError } from "./errors";
import type { MppSource } from "./types";

/** The level-0 µm/px a tiling uses, where it came from, and any warning to record. */
export interface ResolvedMpp {
  mpp: number;
  source: MppSource;
  warnings: string[];
}

/** Options of `resolveMpp`. */
export interface ResolveMppOptions {
  /** Caller-supplied level-0 µm/px (wins over the file). */
  mpp?: number;
  /** Allow 10 / objective power when the file has no mpp. @default false */
  allowObjectivePowerFallback?: boolean;
  /** The original's silent 0.25 fallback (recorded as a warning here). @default false */
  paperCompat?: boolean;
}

/**
 * Decides the level-0 µm/px for tiling. Missing mpp is a TilingError naming the slide unless the caller
 * passes `mpp`, allows the objective-power fallback (40x → 0.25, 20x → 0.5), or asks for `paperCompat` (0.25).
 */
export function resolveMpp(slide: Slide, options: ResolveMppOptions = {}): ResolvedMpp {
  const { mpp, allowObjectivePowerFallback = false, paperCompat = false } = options;
  if (mpp !== undefined) {
    if (!(mpp > 0) || !Number.isFinite(mpp)) throw new TilingError("BAD_OPTION", slide.path, `mpp must be a positive number of µm/px, got ${mpp}`);
    return { mpp, source: "user", warnings: [] };
  }
  const fileMpp = slide.mpp;
  if (fileMpp && fileMpp.x > 0 && Number.isFinite(fileMpp.x)) {
    const warnings: string[] = [];
    if (fileMpp.y > 0 && Math.abs(fileMpp.x - fileMpp.y) / fileMpp.x > 0.01) {
      warnings.push(`non-square pixels (mpp-x ${fileMpp.x}, mpp-y ${fileMpp.y}); mpp-x is used for both axes`);
    }
    return { mpp: fileMpp.x, source: "file", warnings };
  }
  const power = slide.objectivePower;
  if (allowObjectivePowerFallback && power !== undefined && power > 0) {
    const fallback = 10 / power;
    return { mpp: fallback, source: "objective-power", warnings: [`no mpp in the file; assumed ${fallback} µm/px from objective power ${power}x`] };
  }
  if (paperCompat) return { mpp: 0.25, source: "paper-default", warnings: ["no mpp in the file; assumed 0.25 µm/px as the original NB04 did"] };
  const hint = power !== undefined ? ` (objective power ${power}x is known: pass allowObjectivePowerFallback)` : "";
  throw new TilingError("MISSING_MPP", slide.path, `the slide has no mpp (µm/px); pass options.mpp${hint}`);
}
