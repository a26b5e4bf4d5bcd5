import type { NamedTensor } from "@osfm/nn";
import { MilInputError } from "./errors";
import type { SlideBag } from "./types";

/** The two token scales of a bag, as named in {@link BagScaler} tensors (`scale05.mean`, …). */
export type BagScale = "scale05" | "scale20";

/** Per-dimension mean and standard deviation (the divisor actually used) of the tokens of one scale. */
export interface ScaleStats {
  /** mean: [dim] float32 */
  mean: Float32Array;
  /** scale: [dim] float32, the divisor of (x − mean) */
  scale: Float32Array;
}

/** Options of {@link BagScalerFit.finish} and {@link BagScaler.fit}. */
export interface BagScalerFitOptions {
  /**
   * Floor of the divisor: `scale = max(sd, minStd)`, so dimensions with tiny spread are not blown up.
   * Without it, dimensions with sd ≤ 1e-12 are centred only (scale 1), as scikit-learn's StandardScaler.
   * @default undefined
   */
  minStd?: number;
}

/** Running per-dimension count, mean and sum of squared deviations in float64 (Chan et al.'s merge per bag). */
class RunningMoments {
  n = 0;
  readonly mean: Float64Array;
  readonly m2: Float64Array;
  constructor(readonly dim: number) {
    this.mean = new Float64Array(dim);
    this.m2 = new Float64Array(dim);
  }

  /** Adds the rows of one `[n, dim]` feature matrix. */
  add(f: Float32Array): void {
    const dim = this.dim;
    const nb = Math.floor(f.length / dim);
    if (nb === 0) return;
    const bm = new Float64Array(dim);
    for (let i = 0; i < nb * dim; i += dim) for (let j = 0; j < dim; j++) bm[j] = (bm[j] as number) + (f[i + j] as number);
    for (let j = 0; j < dim; j++) bm[j] = (bm[j] as number) / nb;
    const bq = new Float64Array(dim);
    for (let i = 0; i < nb * dim; i += dim) {
      for (let j = 0; j < dim; j++) {
        const d = (f[i + j] as number) - (bm[j] as number);
        bq[j] = (bq[j] as number) + d * d;
      }
    }
    const n = this.n + nb;
    for (let j = 0; j < dim; j++) {
      const delta = (bm[j] as number) - (this.mean[j] as number);
      this.mean[j] = (this.mean[j] as number) + (delta * nb) / n;
      this.m2[j] = (this.m2[j] as number) + (bq[j] as number) + (delta * delta * this.n * nb) / n;
    }
    this.n = n;
  }

  stats(minStd: number | undefined): ScaleStats {
    const mean = new Float32Array(this.dim);
    const scale = new Float32Array(this.dim);
    for (let j = 0; j < this.dim; j++) {
      const sd = Math.sqrt((this.m2[j] as number) / this.n); // population SD, as StandardScaler
      mean[j] = this.mean[j] as number;
      scale[j] = minStd !== undefined ? Math.max(sd, minStd) : sd > 1e-12 ? sd : 1;
    }
    return { mean, scale };
  }
}

/**
 * Streaming fit of a {@link BagScaler}: add training bags one at a time (e.g. as a loader yields them),
 * then `finish()`. Only the running statistics are kept, never the bags.
 */
export class BagScalerFit {
  private dim = 0;
  private s05: RunningMoments | undefined;
  private s20: RunningMoments | undefined;

  /** Adds one training bag (both scales). */
  add(bag: SlideBag): void {
    const id = bag.slideId ?? "<bag>";
    if (!this.s05) {
      const n = bag.coords05.length / 2;
      if (n < 1) return; // the width is learnt from the first bag with 0.5 µm/px tokens
      this.dim = bag.features05.length / n;
      if (!Number.isInteger(this.dim) || this.dim < 1) throw new MilInputError("BAD_SHAPE", id, `features05 has ${bag.features05.length} values for ${n} tokens`);
      this.s05 = new RunningMoments(this.dim);
      this.s20 = new RunningMoments(this.dim);
    }
    for (const [f, scale] of [[bag.features05, "0.5"], [bag.features20, "2.0"]] as const) {
      if (f.length % this.dim !== 0) throw new MilInputError("BAD_SHAPE", id, `features at ${scale} µm/px have ${f.length} values, not a multiple of dim ${this.dim}`);
    }
    this.s05.add(bag.features05);
    this.s20?.add(bag.features20);
  }

  /** The fitted scaler; throws {@link MilInputError} when a scale saw no token. */
  finish(options: BagScalerFitOptions = {}): BagScaler {
    const { minStd } = options;
    if (minStd !== undefined && !(minStd > 0)) throw new RangeError(`BagScaler: minStd must be > 0, got ${minStd}`);
    if (!this.s05 || !this.s20 || this.s05.n === 0) throw new MilInputError("EMPTY_BAG", "<training set>", "cannot fit a feature scaler: no bag has tokens at 0.5 µm/px");
    if (this.s20.n === 0) throw new MilInputError("EMPTY_BAG", "<training set>", "cannot fit a feature scaler: no bag has tokens at 2.0 µm/px");
    return BagScaler.fromStats({ scale05: this.s05.stats(minStd), scale20: this.s20.stats(minStd) });
  }
}

function apply(f: Float32Array, s: ScaleStats, dim: number): Float32Array {
  const out = new Float32Array(f.length);
  for (let i = 0; i < f.length; i += dim) for (let j = 0; j < dim; j++) out[i + j] = ((f[i + j] as number) - (s.mean[j] as number)) / (s.scale[j] as number);
  return out;
}

const SCALES: readonly BagScale[] = ["scale05", "scale20"];

/**
 * Token-feature standardisation fitted on training bags only (per scale, per dimension: z = (x − mean) / sd),
 * like scikit-learn's StandardScaler inside a CV pipeline. Feature sets whose dimensions share a large
 * common offset (random-init or weakly trained encoders) otherwise leave the grading model little signal
 * after its LayerNorms. Serialises as four float32 tensors (`scale05.mean`, `scale05.std`, `scale20.mean`,
 * `scale20.std`) so a model trained on standardised tokens can ship the transform with its weights.
 */
export class BagScaler {
  private constructor(
    /** Feature width. */
    readonly dim: number,
    private readonly s05: ScaleStats,
    private readonly s20: ScaleStats,
  ) {}

  /** Fits on bags held in memory (see {@link BagScalerFit} to stream them). */
  static fit(bags: readonly SlideBag[], options: BagScalerFitOptions = {}): BagScaler {
    const fit = new BagScalerFit();
    for (const b of bags) fit.add(b);
    return fit.finish(options);
  }

  /** A scaler from known statistics (both scales the same width). */
  static fromStats(stats: Record<BagScale, ScaleStats>): BagScaler {
    const dim = stats.scale05.mean.length;
    for (const s of SCALES) {
      const { mean, scale } = stats[s];
      if (mean.length !== dim || scale.length !== dim) throw new MilInputError("BAD_SHAPE", "<scaler>", `${s} statistics have ${mean.length}/${scale.length} values, expected ${dim}`);
      if (scale.some((v) => !(v > 0) || !Number.isFinite(v))) throw new MilInputError("NOT_FINITE", "<scaler>", `${s} has a non-positive or non-finite divisor`);
    }
    return new BagScaler(dim, copyStats(stats.scale05), copyStats(stats.scale20));
  }

  /** Reads the tensors written by {@link BagScaler.toTensors} (e.g. from a safetensors file); `source` names it in errors. */
  static fromTensors(tensors: ReadonlyMap<string, { shape: readonly number[]; data: ArrayLike<number> | BigInt64Array }>, source = "<tensors>"): BagScaler {
    const get = (name: string) => {
      const t = tensors.get(name);
      if (!t || t.shape.length !== 1 || t.data instanceof BigInt64Array) {
        throw new MilInputError("BAD_SHAPE", source, `expected a 1-D float tensor "${name}"${t ? `, found shape [${t.shape.join(", ")}]` : ""}`);
      }
      return Float32Array.from(t.data);
    };
    return BagScaler.fromStats({
      scale05: { mean: get("scale05.mean"), scale: get("scale05.std") },
      scale20: { mean: get("scale20.mean"), scale: get("scale20.std") },
    });
  }

  /** Copies of the statistics of one scale. */
  stats(scale: BagScale): ScaleStats {
    return copyStats(scale === "scale05" ? this.s05 : this.s20);
  }

  /** The statistics as float32 safetensors tensors (`scale05.mean`, `scale05.std`, `scale20.mean`, `scale20.std`). */
  toTensors(): Map<string, NamedTensor> {
    const m = new Map<string, NamedTensor>();
    for (const s of SCALES) {
      const st = s === "scale05" ? this.s05 : this.s20;
      m.set(`${s}.mean`, { dtype: "F32", shape: [this.dim], data: st.mean.slice() });
      m.set(`${s}.std`, { dtype: "F32", shape: [this.dim], data: st.scale.slice() });
    }
    return m;
  }

  /** The bag with both scales standardised (a new bag; the input is left untouched). */
  transform(bag: SlideBag): SlideBag {
    return { ...bag, features05: apply(bag.features05, this.s05, this.dim), features20: apply(bag.features20, this.s20, this.dim) };
  }
}

function copyStats(s: ScaleStats): ScaleStats {
  return { mean: s.mean.slice(), scale: s.scale.slice() };
}
