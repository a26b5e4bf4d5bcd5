import { assertIntegerLabels, StatsInputError } from "../validate";
import { toDense, type Dense, type Features } from "./dense";
import { lbfgs } from "./lbfgs";
import { checkModel, type ProbeJSON } from "./serial";

/** Options of {@link OrdinalLogisticAT}. */
export interface OrdinalLogisticATOptions {
  /** L2 strength on the weights (mord's `alpha`; NB09 uses 1/C). @default 1 */
  alpha?: number;
  /** L-BFGS iteration limit. @default 1000 */
  maxIter?: number;
  /** Gradient tolerance of the mean objective. @default 1e-10 */
  tol?: number;
}

/** Serialised {@link OrdinalLogisticAT}. */
export interface OrdinalLogisticATJSON extends ProbeJSON<"OrdinalLogisticAT"> {
  alpha: number;
  /** Smallest label; labels run minLabel … minLabel + theta.length. */
  minLabel: number;
  coef: number[];
  theta: number[];
}

const softplus = (z: number): number => (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z)));
const sigmoid = (z: number): number => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

/**
 * All-threshold ordinal logistic regression, the `mord.LogisticAT` model: labels are consecutive integers
 * min…max (K classes, K − 1 thresholds θ); the loss of a sample with label y sums, over every threshold j,
 * log(1 + exp(−s·(θ_j − w·x))) with s = +1 if j ≥ y − min and −1 otherwise, plus α‖w‖²/2 (no intercept:
 * the thresholds take its place). Prediction = min + #{j : θ_j < w·x}; P(y ≤ j) = σ(θ_j − w·x).
 * Minimised without the ordering constraint, which the all-threshold optimum satisfies by itself (an
 * empty middle class gives two equal thresholds).
 */
export class OrdinalLogisticAT {
  readonly alpha: number;
  readonly maxIter: number;
  readonly tol: number;
  minLabel = 0;
  coef = new Float64Array(0);
  theta = new Float64Array(0);
  nIter = 0;
  converged = false;

  constructor(options: OrdinalLogisticATOptions = {}) {
    const { alpha = 1, maxIter = 1000, tol = 1e-10 } = options;
    if (!(alpha >= 0)) throw new StatsInputError(`OrdinalLogisticAT: alpha must be ≥ 0, got ${alpha}`, "INVALID");
    this.alpha = alpha;
    this.maxIter = maxIter;
    this.tol = tol;
  }

  /** Fits on rows X (n×d) and integer ordinal labels y. */
  fit(X: Features, y: ArrayLike<number>): this {
    const x = toDense(X, "OrdinalLogisticAT.fit X");
    if (y.length !== x.rows) throw new StatsInputError(`OrdinalLogisticAT.fit: ${y.length} labels for ${x.rows} rows`, "LENGTH_MISMATCH");
    assertIntegerLabels(y, "OrdinalLogisticAT.fit y");
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < y.length; i++) {
      lo = Math.min(lo, y[i] as number);
      hi = Math.max(hi, y[i] as number);
    }
    if (hi === lo) throw new StatsInputError(`OrdinalLogisticAT.fit: needs at least 2 labels, got only ${lo}`, "SINGLE_CLASS");
    const nThr = hi - lo;
    const { rows: n, cols: d, data } = x;
    const yy = Int32Array.from(y, (v) => v - lo);
    const lam = this.alpha / n;
    const xw = new Float64Array(n);
    const objective = (p: Float64Array, g: Float64Array): number => {
      g.fill(0);
      let loss = 0;
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let j = 0; j < d; j++) s += p[j]! * data[i * d + j]!;
        xw[i] = s;
      }
      for (let i = 0; i < n; i++) {
        const yi = yy[i]!;
        let dxw = 0;
        for (let t = 0; t < nThr; t++) {
          const sign = t >= yi ? 1 : -1;
          const a = sign * (p[d + t]! - xw[i]!);
          loss += softplus(-a);
          // d/da log(1+e^{−a}) = −σ(−a)
          const r = -sigmoid(-a) * sign;
          g[d + t]! += r / n;
          dxw -= r / n;
        }
        for (let j = 0; j < d; j++) g[j]! += dxw * data[i * d + j]!;
      }
      loss /= n;
      let pen = 0;
      for (let j = 0; j < d; j++) {
        pen += p[j]! * p[j]!;
        g[j]! += lam * p[j]!;
      }
      return loss + 0.5 * lam * pen;
    };
    const p0 = new Float64Array(d + nThr);
    for (let t = 0; t < nThr; t++) p0[d + t] = t;
    const r = lbfgs(objective, p0, { maxIter: this.maxIter, tol: this.tol });
    this.minLabel = lo;
    this.coef = r.x.slice(0, d);
    const theta = r.x.slice(d);
    for (let t = 1; t < nThr; t++) if (theta[t]! < theta[t - 1]!) theta[t] = theta[t - 1]!;
    this.theta = theta;
    this.nIter = r.iterations;
    this.converged = r.converged;
    return this;
  }

  private check(X: Features): Dense {
    if (this.theta.length === 0) throw new StatsInputError("OrdinalLogisticAT: call fit() or load() first", "NOT_FITTED");
    return toDense(X, "OrdinalLogisticAT X", this.coef.length);
  }

  /** Latent score w·x of each row. */
  decisionFunction(X: Features): number[] {
    const x = this.check(X);
    const d = x.cols;
    return Array.from({ length: x.rows }, (_, i) => {
      let s = 0;
      for (let j = 0; j < d; j++) s += this.coef[j]! * x.data[i * d + j]!;
      return s;
    });
  }

  /** Predicted label: min + number of thresholds strictly below w·x (mord's `threshold_predict`). */
  predict(X: Features): number[] {
    return this.decisionFunction(X).map((z) => {
      let k = 0;
      for (const t of this.theta) if (t - z < 0) k++;
      return this.minLabel + k;
    });
  }

  /** P(label = min + k), k = 0…K−1: differences of σ(θ_j − w·x) padded with 0 and 1 (mord's `threshold_proba`). */
  predictProba(X: Features): number[][] {
    return this.decisionFunction(X).map((z) => {
      const cdf = [0, ...Array.from(this.theta, (t) => sigmoid(t - z)), 1];
      return cdf.slice(1).map((v, k) => v - cdf[k]!);
    });
  }

  /** Labels this model predicts, in order. */
  get classes(): number[] {
    return Array.from({ length: this.theta.length + 1 }, (_, k) => this.minLabel + k);
  }

  toJSON(): OrdinalLogisticATJSON {
    return { type: "OrdinalLogisticAT", version: 1, alpha: this.alpha, minLabel: this.minLabel, coef: Array.from(this.coef), theta: Array.from(this.theta) };
  }

  /** Restores a model saved with {@link OrdinalLogisticAT.toJSON}. */
  static load(json: unknown): OrdinalLogisticAT {
    const j = checkModel<OrdinalLogisticATJSON>(json, "OrdinalLogisticAT", ["alpha", "minLabel", "coef", "theta"]);
    const m = new OrdinalLogisticAT({ alpha: j.alpha });
    m.minLabel = j.minLabel;
    m.coef = Float64Array.from(j.coef);
    m.theta = Float64Array.from(j.theta);
    return m;
  }
}
