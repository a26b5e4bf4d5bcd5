import { mapFolds, take } from "../splitters/repeated";
import { nestedCv, type NestedFoldResult } from "../splitters/nested";
import { leaveOneCenterOut } from "./camelyon17";

/** Options of {@link nestedLeaveOneCenterOut}. */
export interface NestedLocoOptions<C, R> {
  /** Configurations to choose from (NB09: 4 models × 5 C values). */
  candidates: readonly C[];
  /** Score of a candidate trained on `train` and scored on `test` (e.g. QWK); higher is better. */
  score: (candidate: C, train: Int32Array, test: Int32Array) => number;
  /** What to report for the selected candidate on the held-out center. @default its `score` */
  evaluate?: (candidate: C, train: Int32Array, test: Int32Array) => R;
  /** Center id of unknown-center samples (always trained on, never tested). @default -1 */
  unknown?: number;
}

/**
 * CAMELYON17 leave-one-center-out with nested model selection: for each held-out center, candidates are
 * compared by leave-one-center-out over the remaining centers only, and the winner is refit on all of them.
 * The original selected the configuration with the best mean over the test centers themselves.
 */
export function nestedLeaveOneCenterOut<C, R = number>(centers: ArrayLike<number>, options: NestedLocoOptions<C, R>): (NestedFoldResult<C, R> & { center: number })[] {
  const { unknown = -1 } = options;
  const outer = leaveOneCenterOut(centers, { unknown });
  const results = nestedCv<C, R>({
    outer,
    inner: (train) => mapFolds(train, leaveOneCenterOut(take(centers, train), { unknown })),
    candidates: options.candidates,
    score: options.score,
    ...(options.evaluate ? { evaluate: options.evaluate } : {}),
  });
  return results.map((r, i) => ({ ...r, center: (outer[i] as { center: number }).center }));
}
