import type { Fold } from "../splitters/types";
import { StatsInputError } from "../validate";

/**
 * CAMELYON17 patient pN stage as an integer (NB09 rule): regex `pn\s*([0-3])` on the lower-cased text, so
 * pN0 and pN0(i+) → 0, pN1mi and pN1 → 1, pN2 → 2, pN3 → 3; the bare digits "0"–"3" are accepted.
 * Slide-level labels (negative, itc, micro, macro) and anything else give `null`.
 */
export function parsePnStage(text: string): 0 | 1 | 2 | 3 | null {
  const s = text.trim().toLowerCase();
  if (/^[0-3]$/.test(s)) return Number(s) as 0 | 1 | 2 | 3;
  const m = /pn\s*([0-3])/.exec(s);
  return m ? (Number(m[1]) as 0 | 1 | 2 | 3) : null;
}

/** CAMELYON17 patient id (`patient_012`, `patient-12`, `patient12`) in a file name or row, lower-cased; null if none. */
export function camelyonPatientId(text: string): string | null {
  const m = /patient[_-]?\d+/.exec(text.toLowerCase());
  return m ? m[0] : null;
}

/** Center number from a path or value (`center_3`, `center-3`, `center3`, or a bare integer); null if none. */
export function camelyonCenter(text: string): number | null {
  const s = text.trim().toLowerCase();
  if (/^\d+$/.test(s)) return Number(s);
  const m = /center[_-]?(\d+)/.exec(s);
  return m ? Number(m[1]) : null;
}

/** A leave-one-center-out fold, with the held-out center. */
export interface CenterFold extends Fold {
  center: number;
}

/**
 * Leave-one-center-out folds (NB09): test on one known center, train on all others; samples of the unknown
 * center (`unknown`, default −1) are never tested and always trained on. Needs at least 2 known centers
 * (the original then fell back to 5-fold CV; here that choice is the caller's).
 */
export function leaveOneCenterOut(centers: ArrayLike<number>, options: { unknown?: number } = {}): CenterFold[] {
  const { unknown = -1 } = options;
  const known = [...new Set(Array.from(centers).filter((c) => c !== unknown))].sort((a, b) => a - b);
  if (known.length < 2) throw new StatsInputError(`leaveOneCenterOut: need at least 2 known centers, found ${known.length}`, "INVALID");
  return known.map((center) => {
    const test: number[] = [];
    const train: number[] = [];
    for (let i = 0; i < centers.length; i++) (centers[i] === center ? test : train).push(i);
    return { center, train: Int32Array.from(train), test: Int32Array.from(test) };
  });
}
