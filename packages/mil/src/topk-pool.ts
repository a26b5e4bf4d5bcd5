import { gatherElements, type Graph, less, mul, reduceSum, softmax, stopGradient, type Tensor, topK as topKOp, unsqueeze, where } from "@osfm/nn";

/** Score given to tokens outside the top-k before the softmax: exp() of it is exactly 0. */
const NOT_SELECTED = -1e30;

/**
 * k of the PANDA MIL top-k pooling (SPEC §13.1): ⌊0.15·n⌋ clamped below at 24, capped at n, at least 1.
 */
export function topK(n: number): number {
  return Math.max(1, Math.min(n, Math.max(24, Math.floor(0.15 * n))));
}

/** Inputs of {@link topKSoftmaxPool} that depend on each bag's token count (fed per batch). */
export interface TopKInputs {
  /** kMax: int64 [1], the largest k in the batch. */
  kMax: Tensor;
  /** kIndex: int64 [B, 1], k − 1 of each bag. */
  kIndex: Tensor;
}

/** Declares the per-batch top-k inputs `<prefix>_kmax` and `<prefix>_kidx` on a graph. */
export function topKInputs(g: Graph, prefix: string): TopKInputs {
  return { kMax: g.input(`${prefix}_kmax`, [1], "int64"), kIndex: g.input(`${prefix}_kidx`, ["batch", 1], "int64") };
}

/** The feeds of {@link topKInputs} for bags with `counts` real tokens. */
export function topKFeeds(prefix: string, counts: readonly number[]): Record<string, { data: BigInt64Array; dims: number[] }> {
  const ks = counts.map(topK);
  return {
    [`${prefix}_kmax`]: { data: BigInt64Array.of(BigInt(Math.max(...ks))), dims: [1] },
    [`${prefix}_kidx`]: { data: BigInt64Array.from(ks, (k) => BigInt(k - 1)), dims: [counts.length, 1] },
  };
}

/**
 * Σ over each bag's k highest-scoring tokens of softmax(selected scores)·h.
 * h: [B, T, D], scores: [B, T] (padding already set very low) → [B, D]. The selection itself carries
 * no gradient (as `torch.topk` indices); the softmax weights and h do.
 */
export function topKSoftmaxPool(h: Tensor, scores: Tensor, k: TopKInputs): Tensor {
  // the k-th largest score of each bag: only compared against, so it carries no gradient
  const { values } = topKOp(stopGradient(scores), k.kMax, 1); // [B, kMax], descending
  const threshold = gatherElements(values, k.kIndex, 1); // [B, 1]
  const selectedScores = where(less(scores, threshold), NOT_SELECTED, scores);
  const weights = softmax(selectedScores, 1); // [B, T]
  return reduceSum(mul(h, unsqueeze(weights, [2])), [1]);
}
