import type { LevelInfo } from "@osfm/wsi";

/** The level a scale is read from and its µm/px. */
export interface LevelChoice {
  level: number;
  levelMpp: number;
}

/**
 * The coarsest level whose µm/px is at or finer than `targetMpp` (within `tolerance`, relative), so the
 * tile is downsampled, never upsampled; level 0 when every level is coarser than the target.
 */
export function chooseLevelAtOrFiner(levels: readonly LevelInfo[], baseMpp: number, targetMpp: number, tolerance = 0.02): LevelChoice {
  let best: LevelChoice = { level: 0, levelMpp: baseMpp * (levels[0]?.downsample ?? 1) };
  levels.forEach((info, level) => {
    const levelMpp = baseMpp * info.downsample;
    if (levelMpp <= targetMpp * (1 + tolerance) && levelMpp > best.levelMpp) best = { level, levelMpp };
  });
  return best;
}

/** The original NB04 rule: the level whose µm/px is closest to the target in absolute terms; ties keep the finer level. */
export function chooseLevelNearest(levels: readonly LevelInfo[], baseMpp: number, targetMpp: number): LevelChoice {
  let best: LevelChoice = { level: 0, levelMpp: baseMpp };
  levels.forEach((info, level) => {
    const levelMpp = baseMpp * info.downsample;
    if (Math.abs(levelMpp - targetMpp) < Math.abs(best.levelMpp - targetMpp)) best = { level, levelMpp };
  });
  return best;
}
