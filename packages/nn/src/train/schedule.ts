/** A learning-rate (or momentum) schedule: step index (0-based) → value. */
export type Schedule = (step: number) => number;

/** Options of {@link warmupCosine}. */
export interface WarmupCosineOptions {
  /** Linear warm-up length in steps. @default 0 */
  warmupSteps?: number;
  /** Step at which the cosine reaches `minFactor` (and stays there). */
  totalSteps: number;
  /** Factor at step 0 of the warm-up (PyTorch LinearLR start_factor). @default 0 */
  warmupStartFactor?: number;
  /** Factor at the end of the cosine (eta_min / base lr). @default 0 */
  minFactor?: number;
}

/**
 * Multiplier of the base lr: linear warm-up from `warmupStartFactor` to 1 over `warmupSteps`
 * (LinearLR), then half a cosine from 1 to `minFactor` (CosineAnnealingLR closed form), then flat.
 */
export function warmupCosine(options: WarmupCosineOptions): Schedule {
  const { warmupSteps = 0, totalSteps, warmupStartFactor = 0, minFactor = 0 } = options;
  if (totalSteps < warmupSteps) throw new RangeError(`warmupCosine: totalSteps ${totalSteps} < warmupSteps ${warmupSteps}`);
  return (step) => {
    if (step < warmupSteps) return warmupStartFactor + ((1 - warmupStartFactor) * step) / warmupSteps;
    const span = totalSteps - warmupSteps;
    const t = span <= 0 ? 1 : Math.min(1, (step - warmupSteps) / span);
    return minFactor + (1 - minFactor) * 0.5 * (1 + Math.cos(Math.PI * t));
  };
}

/**
 * A value rising from `start` to `end` along half a cosine over `totalSteps` (e.g. EMA momentum
 * 0.996 → 1, as BYOL), flat after.
 */
export function cosineRamp(start: number, end: number, totalSteps: number): Schedule {
  return (step) => {
    const t = totalSteps <= 0 ? 1 : Math.min(1, step / totalSteps);
    return end - (end - start) * 0.5 * (1 + Math.cos(Math.PI * t));
  };
}

/** A constant schedule. */
export function constant(value: number): Schedule {
  return () => value;
}
