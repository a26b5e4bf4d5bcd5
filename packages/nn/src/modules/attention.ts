import { withCustomGradient } from "../autodiff/custom-grad.js";
import type { Tensor } from "../graph/graph.js";
import { Parameter } from "../graph/parameter.js";
import { add, mul, where } from "../ops/elementwise.js";
import { matmul } from "../ops/linalg.js";
import { dropoutUnscaled, softmax } from "../ops/nn-ops.js";
import { concat, expandAs, fullLike, reshape, slice, split, transpose, unsqueeze } from "../ops/shape-ops.js";
import { ShapeError } from "../errors.js";
import { fillUniform } from "../rng.js";
import { defaultRng, type InitOptions } from "./init.js";
import { Linear } from "./linear.js";
import { Module } from "./module.js";

/** Score given to padded keys before the softmax (exp underflows to exactly 0, without −∞ NaNs). */
export const MASKED_SCORE = -1e30;

/** Options of {@link MultiheadAttention}. */
export interface MultiheadAttentionOptions extends InitOptions {
  /** Dropout on the attention weights (training graphs only). @default 0 */
  dropout?: number;
  /**
   * Heads whose attention weights ([B, h, T, S]) one set of ops computes (must divide the head count;
   * `numHeads` = all at once). Smaller groups make each pass over the weights (product, softmax,
   * dropout and their backward) a smaller tensor that onnxruntime reuses group after group, so fewer of
   * them go to memory: on the bench aggregator (8 heads, 1,600 tokens) 2 heads per group made the
   * training step ≈ 4 % faster and 0.25 GB smaller than 8. Same values either way.
   * @default 2 (all heads when the count is odd)
   */
  headsPerGroup?: number;
}

/** Options of {@link MultiheadAttention.forward}. */
export interface AttentionCallOptions {
  /** bool [batch, keys], true = padding (ignored), as PyTorch's `key_padding_mask`. */
  keyPaddingMask?: Tensor;
}

/**
 * PyTorch `nn.MultiheadAttention(d, heads, batch_first=True)`: parameters `in_proj_weight` [3d, d]
 * (xavier-uniform), `in_proj_bias` [3d] (zeros), `out_proj.weight` [d, d], `out_proj.bias` (zeros).
 * Inputs are [batch, tokens, d].
 */
export class MultiheadAttention extends Module {
  readonly in_proj_weight: Parameter;
  readonly in_proj_bias: Parameter;
  readonly out_proj: Linear;
  readonly headDim: number;
  readonly dropout: number;
  readonly headsPerGroup: number;
  constructor(
    readonly embedDim: number,
    readonly numHeads: number,
    options: MultiheadAttentionOptions = {},
  ) {
    super();
    const { dropout: p = 0, rng = defaultRng(), headsPerGroup = numHeads % 2 === 0 ? 2 : numHeads } = options;
    if (embedDim % numHeads !== 0) throw new RangeError(`MultiheadAttention: ${embedDim} is not divisible by ${numHeads} heads`);
    if (!Number.isInteger(headsPerGroup) || headsPerGroup < 1 || numHeads % headsPerGroup !== 0) {
      throw new RangeError(`MultiheadAttention: headsPerGroup must divide ${numHeads} heads, got ${headsPerGroup}`);
    }
    this.headsPerGroup = headsPerGroup;
    this.headDim = embedDim / numHeads;
    this.dropout = p;
    this.in_proj_weight = this.registerParameter("in_proj_weight", new Parameter([3 * embedDim, embedDim]));
    const bound = Math.sqrt(6 / (embedDim + 3 * embedDim));
    this.out_proj = new Linear(embedDim, embedDim, { rng });
    fillUniform(this.in_proj_weight.data, rng, -bound, bound);
    this.in_proj_bias = this.registerParameter("in_proj_bias", new Parameter([3 * embedDim]));
    this.registerModule("out_proj", this.out_proj);
    this.out_proj.bias?.data.fill(0);
  }

  private heads(x: Tensor): Tensor {
    // [B, T, d] -> [B, H, T, hd]
    return transpose(reshape(x, [0, 0, this.numHeads, this.headDim]), [0, 2, 1, 3]);
  }

  /** Attention of `query` over `key`/`value` (all [B, T, d]); pass the same tensor three times for self-attention. */
  forward(query: Tensor, key: Tensor, value: Tensor, options: AttentionCallOptions = {}): Tensor {
    const g = query.graph;
    const d = this.embedDim;
    for (const t of [query, key, value]) {
      if (t.rank !== 3 || (typeof t.shape[2] === "number" && t.shape[2] !== d)) {
        throw new ShapeError("MultiheadAttention", [query.shape, key.shape, value.shape], `inputs must be [batch, tokens, ${d}]`);
      }
    }
    const w = g.param(this.in_proj_weight);
    const b = g.param(this.in_proj_bias);
    let q: Tensor;
    let k: Tensor;
    let v: Tensor;
    if (query === key && key === value) {
      [q, k, v] = split(add(matmul(query, transpose(w)), b), [d, d, d], -1) as [Tensor, Tensor, Tensor];
    } else {
      const proj = (x: Tensor, i: number) =>
        add(matmul(x, transpose(slice(w, [i * d], [(i + 1) * d], [0]))), slice(b, [i * d], [(i + 1) * d], [0]));
      [q, k, v] = [proj(query, 0), proj(key, 1), proj(value, 2)];
    }
    const qh = mul(this.heads(q), 1 / Math.sqrt(this.headDim)); // [B, H, T, hd]
    const kh = this.heads(k); // [B, H, S, hd]
    const mask = options.keyPaddingMask;
    let keyBias: Tensor | undefined; // [B, 1, S, 1]: MASKED_SCORE at padded keys, else 0
    if (mask) {
      if (mask.dtype !== "bool" || mask.rank !== 2) throw new ShapeError("MultiheadAttention", [mask.shape, key.shape], "keyPaddingMask must be bool [batch, keys]");
      keyBias = where(unsqueeze(mask, [1, 3]), MASKED_SCORE, g.scalar(0, qh.dtype));
    }
    const groups = this.numHeads / this.headsPerGroup;
    let ctx: Tensor; // [B, H, T, hd]
    if (groups === 1) ctx = this.attend(qh, kh, () => this.heads(v), keyBias);
    else {
      const sizes = new Array<number>(groups).fill(this.headsPerGroup);
      const [qs, ks, vs] = [split(qh, sizes, 1), split(kh, sizes, 1), split(this.heads(v), sizes, 1)];
      ctx = concat(qs.map((qg, i) => this.attend(qg, ks[i] as Tensor, () => vs[i] as Tensor, keyBias)), 1);
    }
    return this.out_proj.forward(reshape(transpose(ctx, [0, 2, 1, 3]), [0, 0, d]));
  }

  /**
   * dropout(softmax(q·kᵀ + keyBias))·v over a group of heads: q [B, h, T, hd], k [B, h, S, hd], v [B, h, S, hd].
   * The dropout's 1/(1 − p) multiplies v ([S, hd]) instead of the weights ([T, S]).
   */
  private attend(q: Tensor, k: Tensor, v: () => Tensor, keyBias: Tensor | undefined): Tensor {
    const { y: attn, scale } = dropoutUnscaled(softmax(keyBias ? biasedScores(q, k, keyBias) : matmul(q, swapLast(k)), -1), this.dropout);
    const values = v(); // emitted after the weights, as before grouping (onnxruntime's order follows node indices)
    return matmul(attn, scale === 1 ? values : mul(values, scale));
  }
}

/**
 * q·kᵀ with kᵀ as a last-two-axes swap (onnxruntime folds it into the product). Its key gradient is
 * dSᵀ·q in [B, h, S, hd] layout, a faster GEMM than qᵀ·dS (see the MatMul rule).
 */
const swapLast = (t: Tensor): Tensor => transpose(t, [0, 1, 3, 2]);

/**
 * q·kᵀ + bias over the keys ([B, 1, S, 1]) as one product [q, 1]·[k, bias]ᵀ: no pass over the
 * [B, h, T, S] scores (forward or backward) to add it. The gradients of q and k are dS·k and dSᵀ·q,
 * products with hd columns rather than the hd + 1 of the augmented operands (whose extra columns
 * need no gradient): narrower GEMMs, and no split of their results.
 */
function biasedScores(q: Tensor, k: Tensor, keyBias: Tensor): Tensor {
  const kAug = concat([k, expandAs(keyBias, slice(k, [0], [1], [3]))], 3); // [B, h, S, hd + 1]
  const qAug = concat([q, fullLike(slice(q, [0], [1], [3]), 1)], 3); // [B, h, T, hd + 1]
  return withCustomGradient(matmul(qAug, swapLast(kAug)), [q, k], (gS, needs) => [
    needs[0] ? matmul(gS, k) : null,
    needs[1] ? matmul(swapLast(gS), q) : null,
  ]);
}
