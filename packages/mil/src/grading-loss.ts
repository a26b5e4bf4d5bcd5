import { add, exp, type Graph, logSoftmax, matmul, mul, neg, pow, reduceMean, reduceSum, squeeze, sub, type Tensor, unsqueeze } from "@osfm/nn";

/** Settings of the PANDA grading loss (SPEC §13.3, with the non-differentiable term dropped from the gradient). */
export interface GradingLossOptions {
  /** Focal exponent γ. @default 2 */
  gamma?: number;
  /** Focal constant α. @default 0.25 */
  alpha?: number;
  /** Weight of the expectation regulariser (E[k] − y)². @default 0.02 */
  expectationWeight?: number;
}

/** Symbolic inputs of the loss, fed per batch: smoothed targets [B, C], class weights [B], grades [B] (float). */
export interface GradingLossInputs {
  target: Tensor;
  classWeight: Tensor;
  grade: Tensor;
}

/** Declares the loss inputs on a graph. */
export function gradingLossInputs(g: Graph, numClasses: number): GradingLossInputs {
  return {
    target: g.input("target", ["batch", numClasses]),
    classWeight: g.input("class_weight", ["batch"]),
    grade: g.input("grade", ["batch"]),
  };
}

/**
 * mean_b w_b·α·(1 − p_t)^γ·CE(T_b, p_b) + λ·mean_b (E_b[k] − y_b)², where T is the (smoothed) target,
 * p_t = Σ_k T_k p_k and E[k] = Σ_k k·p_k. logits: [B, C] → scalar loss.
 */
export function gradingLoss(logits: Tensor, inputs: GradingLossInputs, options: GradingLossOptions = {}): Tensor {
  const { gamma = 2, alpha = 0.25, expectationWeight = 0.02 } = options;
  const g = logits.graph;
  const numClasses = logits.shape[1] as number;
  const logp = logSoftmax(logits, 1);
  const p = exp(logp);
  const ce = neg(reduceSum(mul(inputs.target, logp), [1])); // [B]
  const pt = reduceSum(mul(inputs.target, p), [1]); // [B]
  const focal = mul(mul(pow(sub(1, pt), gamma), alpha), ce);
  const focalLoss = reduceMean(mul(focal, inputs.classWeight), [0]);
  const ks = g.constant(Float32Array.from({ length: numClasses }, (_, k) => k), [numClasses, 1], "float32", "grades");
  const expected = squeeze(matmul(p, ks), [1]); // [B]
  const reg = reduceMean(pow(sub(expected, inputs.grade), 2), [0]);
  return unsqueeze(add(focalLoss, mul(reg, expectationWeight)), [0]); // [1]
}

/** Per-sample class weights w_y = (1/f_y) / mean_k(1/f_k), f = class frequency on the training fold (floored at 1e-6). */
export function classWeights(labels: ArrayLike<number>, numClasses: number): Float64Array {
  const counts = new Float64Array(numClasses);
  for (let i = 0; i < labels.length; i++) (counts[labels[i] as number] as number)++;
  const inv = Array.from(counts, (c) => 1 / Math.max(c / labels.length, 1e-6));
  const mean = inv.reduce((a, b) => a + b, 0) / numClasses;
  return Float64Array.from(inv, (v) => v / mean);
}

/** Smoothed one-hot targets (1 − ε)·onehot + ε/C, row-major [n, C]. */
export function smoothedTargets(labels: ArrayLike<number>, numClasses: number, smoothing: number): Float32Array {
  const out = new Float32Array(labels.length * numClasses).fill(smoothing / numClasses);
  for (let i = 0; i < labels.length; i++) out[i * numClasses + (labels[i] as number)] = 1 - smoothing + smoothing / numClasses;
  return out;
}
