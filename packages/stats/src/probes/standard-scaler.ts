import { StatsInputError } from "../validate";
import { toDense, toRows, type Features } from "./dense";
import { checkModel, type ProbeJSON } from "./serial";

/** Serialised {@link StandardScaler}. */
export interface StandardScalerJSON extends ProbeJSON<"StandardScaler"> {
  mean: number[];
  scale: number[];
}

/**
 * Standardises features to zero mean and unit variance (scikit-learn `StandardScaler`): population
 * variance (ddof 0); a constant feature keeps scale 1. Fit on the training fold only.
 */
export class StandardScaler {
  mean = new Float64Array(0);
  scale = new Float64Array(0);

  /** Learns per-feature mean and standard deviation. */
  fit(X: Features): this {
    const x = toDense(X, "StandardScaler.fit X");
    const { rows: n, cols: d, data } = x;
    const mean = new Float64Array(d);
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j]! += data[i * d + j]!;
    for (let j = 0; j < d; j++) mean[j]! /= n;
    const v = new Float64Array(d);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < d; j++) {
        const t = data[i * d + j]! - mean[j]!;
        v[j]! += t * t;
      }
    }
    this.mean = mean;
    // scikit-learn `_is_constant_feature`: var ≤ n·eps·var + (n·mean·eps)² counts as constant → scale 1
    const eps = Number.EPSILON;
    this.scale = Float64Array.from(v, (s, j) => {
      const variance = s / n;
      const bound = n * eps * variance + (n * mean[j]! * eps) ** 2;
      return variance <= bound ? 1 : Math.sqrt(variance);
    });
    return this;
  }

  /** (x − mean) / scale, as rows. */
  transform(X: Features): number[][] {
    return toRows(this.transformDense(X));
  }

  /** (x − mean) / scale into a row-major matrix (no per-row arrays; for large inputs). */
  transformDense(X: Features): { data: Float64Array; rows: number; cols: number } {
    if (this.mean.length === 0) throw new StatsInputError("StandardScaler: call fit() or load() first", "NOT_FITTED");
    const x = toDense(X, "StandardScaler.transform X", this.mean.length);
    const d = x.cols;
    const out = new Float64Array(x.data.length);
    for (let i = 0; i < x.rows; i++) for (let j = 0; j < d; j++) out[i * d + j] = (x.data[i * d + j]! - this.mean[j]!) / this.scale[j]!;
    return { data: out, rows: x.rows, cols: d };
  }

  /** fit(X) then transform(X). */
  fitTransform(X: Features): number[][] {
    return this.fit(X).transform(X);
  }

  toJSON(): StandardScalerJSON {
    return { type: "StandardScaler", version: 1, mean: Array.from(this.mean), scale: Array.from(this.scale) };
  }

  /** Restores a scaler saved with {@link StandardScaler.toJSON}. */
  static load(json: unknown): StandardScaler {
    const j = checkModel<StandardScalerJSON>(json, "StandardScaler", ["mean", "scale"]);
    if (j.mean.length !== j.scale.length) throw new StatsInputError("StandardScaler.load: mean and scale lengths differ", "BAD_MODEL");
    const s = new StandardScaler();
    s.mean = Float64Array.from(j.mean);
    s.scale = Float64Array.from(j.scale);
    return s;
  }
}
