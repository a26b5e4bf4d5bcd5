import type { QcThresholds } from "./types";

/** The original NB03 exclusion thresholds. */
export const DEFAULT_THRESHOLDS: Required<QcThresholds> = {
  minTissuePct: 0.1,
  maxWhitePct: 0.75,
  minBlurVar: 15.0,
  maxPenPct: 0.02,
};

/** The metrics the exclusion rule looks at. */
export interface ExclusionInput {
  tissuePct: number;
  whitePct: number;
  blurVar: number;
  penPct: number;
}

/**
 * The original exclusion rule: one reason token per failed threshold, formatted as the original
 * (`low_tissue<0.10`, `white>0.75`, `blur<15.0`, `pen>0.02`), in that order. A slide without any tissue
 * also gets `no_tissue` first, so it is never silently "just low".
 */
export function exclusionReasons(m: ExclusionInput, thresholds: QcThresholds = {}): string[] {
  const t = { ...DEFAULT_THRESHOLDS, ...thresholds };
  const reasons: string[] = [];
  if (m.tissuePct === 0) reasons.push("no_tissue");
  if (m.tissuePct < t.minTissuePct) reasons.push(`low_tissue<${t.minTissuePct.toFixed(2)}`);
  if (m.whitePct > t.maxWhitePct) reasons.push(`white>${t.maxWhitePct.toFixed(2)}`);
  if (m.blurVar < t.minBlurVar) reasons.push(`blur<${t.minBlurVar.toFixed(1)}`);
  if (m.penPct > t.maxPenPct) reasons.push(`pen>${t.maxPenPct.toFixed(2)}`);
  return reasons;
}
