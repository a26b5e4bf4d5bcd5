import { MilInputError } from "./errors";
import type { SlideBag } from "./types";

/** Per-dimension mean and standard deviation of the tokens of one scale. */
interface ScaleStats {
  mean: Float32Array;
  scale: Float32Array;
}

function fitScale(rows: readonly Float32Array[], dim: number): ScaleStats {
  const sum = new Float64Array(dim);
  const sq = new Float64Array(dim);
  let n = 0;
  for (const f of rows) {
    for (let i = 0; i + dim <= f.length; i += dim) {
      n++;
      for (let j = 0; j < dim; j++) {
        const v = f[i + j] as number;
        sum[j] = (sum[j] as number) + v;
        sq[j] = (sq[j] as number) + v * v;
      }
    }
  }
  if (n === 0) throw new MilInputError("EMPTY_BAG", "<training set>", "cannot fit a feature scaler on zero tokens");
  const mean = new Float32Array(dim);
  const scale = new Float32Array(dim);
  for (let j = 0; j < dim; j++) {
    const m = (sum[j] as number) / n;
    const sd = Math.sqrt(Math.max(0, (sq[j] as number) / n - m * m));
    mean[j] = m;
    // constant dimensions are centred, not scaled (scikit-learn's StandardScaler does the same)
    scale[j] = sd > 1e-12 ? sd : 1;
  }
  return { mean, scale };
}

function apply(f: Float32Array, s: ScaleStats, dim: number): Float32Array {
  const out = new Float32Array(f.length);
  for (let i = 0; i < f.length; i += dim) for (let j = 0; j < dim; j++) out[i + j] = ((f[i + j] as number) - (s.mean[j] as number)) / (s.scale[j] as number);
  return out;
}

/**
 * Token-feature standardisation fitted on training bags only (per scale, per dimension: z = (x − mean) / sd),
 * like scikit-learn's StandardScaler inside a CV pipeline. Feature sets whose dimensions share a large
 * common offset (random-init or weakly trained encoders) otherwise leave the grading model little signal
 * after its LayerNorms.
 */
export class BagScaler {
  private constructor(
    private readonly dim: number,
    private readonly s05: ScaleStats,
    private readonly s20: ScaleStats,
  ) {}

  static fit(bags: readonly SlideBag[]): BagScaler {
    const withTokens = bags.find((b) => b.coords05.length >= 2);
    if (!withTokens) throw new MilInputError("EMPTY_BAG", "<training set>", "cannot fit a feature scaler: no bag has tokens at 0.5 µm/px");
    const dim = withTokens.features05.length / (withTokens.coords05.length / 2);
    if (!Number.isInteger(dim) || dim < 1) throw new MilInputError("BAD_SHAPE", withTokens.slideId ?? "<bag>", `features05 has ${withTokens.features05.length} values for ${withTokens.coords05.length / 2} tokens`);
    return new BagScaler(dim, fitScale(bags.map((b) => b.features05), dim), fitScale(bags.map((b) => b.features20), dim));
  }

  transform(bag: SlideBag): SlideBag {
    return { ...bag, features05: apply(bag.features05, this.s05, this.dim), features20: apply(bag.features20, this.s20, this.dim) };
  }
}
