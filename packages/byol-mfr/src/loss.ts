import { add, type Graph, l2Normalize, mul, reduceMean, reduceSum, sub, type Tensor } from "@osfm/nn";
import type { MfrDecoder } from "./decoder";

/** Symbolic terms of the BYOL + MFR objective. */
export interface ByolMfrTerms {
  loss: Tensor;
  lossByol: Tensor;
  lossMfr: Tensor;
}

/** 1 − cos(p, z) along the last axis: [..., D] × [..., D] → [...]. */
export function cosineDistance(p: Tensor, z: Tensor): Tensor {
  return sub(1, reduceSum(mul(l2Normalize(p, -1), l2Normalize(z, -1)), [-1]));
}

/**
 * The training objective given the student's outputs, with the targets as graph inputs (computed
 * by the teacher's own eval session and fed as constants, so no gradient reaches them):
 * - `byol_target` [N, D]: teacher projections (already swapped across views in phase 1);
 * - `mfr_target` [N, T, D] and `mfr_weight` [N, T] (1 / number of masked tokens at masked tokens, else 0).
 * loss = mean_N(1 − cos(pred, byol_target)) + λ·Σ w·(1 − cos(dec(tokens), mfr_target)).
 */
export function byolMfrObjective(
  g: Graph,
  student: { predicted: Tensor; tokens: Tensor },
  decoder: MfrDecoder,
  masked: Tensor,
  pad: Tensor,
  lambdaMfr: number,
): ByolMfrTerms {
  const dim = decoder.config.dim;
  const byolTarget = g.input("byol_target", ["batch", dim]);
  const mfrTarget = g.input("mfr_target", ["batch", "tokens", dim]);
  const mfrWeight = g.input("mfr_weight", ["batch", "tokens"]);
  const lossByol = reduceMean(cosineDistance(student.predicted, byolTarget), [0]);
  const rec = decoder.forward(student.tokens, masked, pad);
  const lossMfr = reduceSum(mul(cosineDistance(rec, mfrTarget), mfrWeight), [0, 1]);
  return { loss: add(lossByol, mul(lossMfr, lambdaMfr)), lossByol, lossMfr };
}
