import { StatsInputError } from "../validate";
import { choleskySolve } from "./cholesky";
import { toDense, type Dense, type Features } from "./dense";
import { encodeClasses, sampleWeights, type ClassWeight } from "./labels";
import { checkModel, type ProbeJSON } from "./serial";

/** Options of {@link RidgeClassifier}. */
export interface RidgeClassifierOptions {
  /** L2 strength α (NB09 uses α = 1/C). @default 1 */
  alpha?: number;
  /** Class weighting, as sample weights of the least-squares fit. @default undefined */
  classWeight?: ClassWeight;
}

/** Serialised {@link RidgeClassifier}. */
export interface RidgeClassifierJSON extends ProbeJSON<"RidgeClassifier"> {
  alpha: number;
  classes: number[];
  coef: number[][];
  intercept: number[];
}

/**
 * Ridge classifier (scikit-learn `RidgeClassifier`, Cholesky solver): targets ±1 per class (one column for two
 * classes), weighted least squares with α‖w‖² and an unpenalised intercept, solved exactly in the primal
 * (d ≤ n) or dual (d > n) form; predicts the class of the largest score.
 */
export class RidgeClassifier {
  readonly alpha: number;
  readonly classWeight: ClassWeight;
  classes: number[] = [];
  coef: Float64Array[] = [];
  intercept = new Float64Array(0);

  constructor(options: RidgeClassifierOptions = {}) {
    const { alpha = 1, classWeight } = options;
    if (!(alpha > 0)) throw new StatsInputError(`RidgeClassifier: alpha must be > 0, got ${alpha}`, "INVALID");
    this.alpha = alpha;
    this.classWeight = classWeight;
  }

  /** Fits on rows X (n×d) and integer labels y. */
  fit(X: Features, y: ArrayLike<number>): this {
    const x = toDense(X, "RidgeClassifier.fit X");
    const { classes, yi } = encodeClasses(y, x.rows, "RidgeClassifier.fit");
    const sw = sampleWeights(yi, classes, this.classWeight, "RidgeClassifier.fit");
    const { rows: n, cols: d, data } = x;
    const r = classes.length === 2 ? 1 : classes.length;
    // targets: +1 for the column's class, −1 otherwise (binary: column = classes[1])
    const Y = new Float64Array(n * r);
    for (let i = 0; i < n; i++) for (let c = 0; c < r; c++) Y[i * r + c] = (r === 1 ? yi[i] === 1 : yi[i] === c) ? 1 : -1;
    let swSum = 0;
    for (const w of sw) swSum += w;
    const xOff = new Float64Array(d);
    const yOff = new Float64Array(r);
    for (let i = 0; i < n; i++) {
      const w = sw[i]!;
      for (let j = 0; j < d; j++) xOff[j]! += w * data[i * d + j]!;
      for (let c = 0; c < r; c++) yOff[c]! += w * Y[i * r + c]!;
    }
    for (let j = 0; j < d; j++) xOff[j]! /= swSum;
    for (let c = 0; c < r; c++) yOff[c]! /= swSum;
    // centred and √w-scaled rows
    const Xs = new Float64Array(n * d);
    const Ys = new Float64Array(n * r);
    for (let i = 0; i < n; i++) {
      const s = Math.sqrt(sw[i]!);
      for (let j = 0; j < d; j++) Xs[i * d + j] = (data[i * d + j]! - xOff[j]!) * s;
      for (let c = 0; c < r; c++) Ys[i * r + c] = (Y[i * r + c]! - yOff[c]!) * s;
    }
    const W = d <= n ? primal(Xs, Ys, n, d, r, this.alpha) : dual(Xs, Ys, n, d, r, this.alpha);
    this.classes = classes;
    this.coef = Array.from({ length: r }, (_, c) => Float64Array.from({ length: d }, (_, j) => W[j * r + c]!));
    this.intercept = Float64Array.from({ length: r }, (_, c) => {
      let s = yOff[c]!;
      for (let j = 0; j < d; j++) s -= xOff[j]! * (this.coef[c] as Float64Array)[j]!;
      return s;
    });
    return this;
  }

  private check(X: Features): Dense {
    if (this.classes.length === 0) throw new StatsInputError("RidgeClassifier: call fit() or load() first", "NOT_FITTED");
    return toDense(X, "RidgeClassifier X", (this.coef[0] as Float64Array).length);
  }

  /** Scores, n×k (n×1 for two classes: positive means classes[1]). */
  decisionFunction(X: Features): number[][] {
    const x = this.check(X);
    const d = x.cols;
    return Array.from({ length: x.rows }, (_, i) =>
      this.coef.map((w, c) => {
        let s = this.intercept[c]!;
        for (let j = 0; j < d; j++) s += w[j]! * x.data[i * d + j]!;
        return s;
      }),
    );
  }

  /** Class of the largest score (two classes: classes[1] when the score is > 0). */
  predict(X: Features): number[] {
    return this.decisionFunction(X).map((z) => {
      if (z.length === 1) return this.classes[z[0]! > 0 ? 1 : 0] as number;
      let best = 0;
      for (let c = 1; c < z.length; c++) if (z[c]! > z[best]!) best = c;
      return this.classes[best] as number;
    });
  }

  /**
   * Softmax of the scores (scikit-learn's RidgeClassifier has no predict_proba; this is a monotone score for
   * AUROC, not a calibrated probability). Two classes: [1 − σ(z), σ(z)].
   */
  predictProba(X: Features): number[][] {
    return this.decisionFunction(X).map((z) => {
      if (z.length === 1) {
        const p = 1 / (1 + Math.exp(-z[0]!));
        return [1 - p, p];
      }
      const m = Math.max(...z);
      const e = z.map((v) => Math.exp(v - m));
      const s = e.reduce((a, b) => a + b, 0);
      return e.map((v) => v / s);
    });
  }

  toJSON(): RidgeClassifierJSON {
    return { type: "RidgeClassifier", version: 1, alpha: this.alpha, classes: [...this.classes], coef: this.coef.map((w) => Array.from(w)), intercept: Array.from(this.intercept) };
  }

  /** Restores a model saved with {@link RidgeClassifier.toJSON}. */
  static load(json: unknown): RidgeClassifier {
    const j = checkModel<RidgeClassifierJSON>(json, "RidgeClassifier", ["alpha", "classes", "coef", "intercept"]);
    const m = new RidgeClassifier({ alpha: j.alpha });
    m.classes = [...j.classes];
    m.coef = j.coef.map((r) => Float64Array.from(r));
    m.intercept = Float64Array.from(j.intercept);
    return m;
  }
}

/** W (d×r) = (XᵀX + αI)⁻¹ XᵀY. */
function primal(X: Float64Array, Y: Float64Array, n: number, d: number, r: number, alpha: number): Float64Array {
  const A = new Float64Array(d * d);
  const B = new Float64Array(d * r);
  for (let i = 0; i < n; i++) {
    const o = i * d;
    for (let a = 0; a < d; a++) {
      const xa = X[o + a]!;
      if (xa === 0) continue;
      for (let b = 0; b <= a; b++) A[a * d + b]! += xa * X[o + b]!;
      for (let c = 0; c < r; c++) B[a * r + c]! += xa * Y[i * r + c]!;
    }
  }
  for (let a = 0; a < d; a++) {
    A[a * d + a]! += alpha;
    for (let b = 0; b < a; b++) A[b * d + a] = A[a * d + b]!;
  }
  choleskySolve(A, d, B, r);
  return B;
}

/** W = Xᵀ (XXᵀ + αI)⁻¹ Y, cheaper when d > n. */
function dual(X: Float64Array, Y: Float64Array, n: number, d: number, r: number, alpha: number): Float64Array {
  const K = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k <= i; k++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += X[i * d + j]! * X[k * d + j]!;
      K[i * n + k] = s;
      K[k * n + i] = s;
    }
    K[i * n + i]! += alpha;
  }
  const D = Float64Array.from(Y);
  choleskySolve(K, n, D, r);
  const W = new Float64Array(d * r);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) for (let c = 0; c < r; c++) W[j * r + c]! += X[i * d + j]! * D[i * r + c]!;
  return W;
}
