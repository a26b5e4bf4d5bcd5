import { constant, cosineRamp, type Schedule } from "@osfm/nn";

/**
 * lr factor of optimizer step t (0-based) in a phase of `totalSteps` steps: linear warm-up (t+1)/W for
 * t < W (so the first step does not run at lr 0), then half a cosine from 1 to 0 over the remaining
 * steps, reaching 0 at the last step. Computed over the phase's REAL number of optimizer steps, so it
 * never cycles (the original's phase-2 bug). W is capped at totalSteps.
 */
export function phaseLrSchedule(warmupSteps: number, totalSteps: number): Schedule {
  const w = Math.max(0, Math.min(warmupSteps, totalSteps));
  const span = totalSteps - w;
  return (t) => {
    if (t < w) return (t + 1) / w;
    if (span <= 1) return 1;
    const x = Math.min(1, (t - w) / (span - 1));
    return 0.5 * (1 + Math.cos(Math.PI * x));
  };
}

/** EMA momentum schedule: τ₀ rising to 1 on a cosine over the phase's steps (BYOL), or constant. */
export function emaSchedule(kind: "cosine" | "constant", tau: number, totalSteps: number): Schedule {
  return kind === "constant" ? constant(tau) : cosineRamp(tau, 1, Math.max(1, totalSteps - 1));
}
