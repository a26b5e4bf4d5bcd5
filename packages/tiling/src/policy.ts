/** Which QC outcomes a slide may have and still be tiled. */
export type QcPolicy = "strict" | "medium" | "none";

/** The QC fields a policy looks at (a `QcResult` has them). */
export interface QcSummary {
  tissuePct: number;
  whitePct: number;
  reasons: readonly string[];
}

/**
 * Whether a slide should be tiled under a QC policy: `strict` (the default here) applies the QC exclusion rule
 * (no reasons); `medium` is the original NB04 default (tissue ≥ 0.05 and white ≤ 0.95, ignoring blur and pen);
 * `none` keeps everything. A missing QC row passes, as in the original.
 */
export function passesQcPolicy(qc: QcSummary | undefined, policy: QcPolicy = "strict"): boolean {
  if (!qc || policy === "none") return true;
  if (policy === "medium") return qc.tissuePct >= 0.05 && qc.whitePct <= 0.95;
  return qc.reasons.length === 0;
}
