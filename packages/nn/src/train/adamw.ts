import type { Parameter } from "../graph/parameter.js";
import { AdamWKernel } from "./adamw-kernel.js";

/** A parameter group: parameters matched by `match` use their own lr and weight decay. */
export interface ParamGroupSpec {
  /** Group name (in state dicts and logs). */
  name: string;
  /** Which parameters belong here; the first matching group wins. */
  match: (name: string, p: Parameter) => boolean;
  /** @default the optimizer's lr */
  lr?: number;
  /** @default the optimizer's weightDecay */
  weightDecay?: number;
}

/** Options of {@link AdamW} (PyTorch defaults). */
export interface AdamWOptions {
  /** @default 1e-3 */
  lr?: number;
  /** @default [0.9, 0.999] */
  betas?: readonly [number, number];
  /** @default 1e-8 */
  eps?: number;
  /** Decoupled weight decay. @default 1e-2 */
  weightDecay?: number;
  /** Extra groups (e.g. the backbone at lr·0.1); unmatched parameters go to the `"default"` group. */
  groups?: readonly ParamGroupSpec[];
  /** Exclude biases and norm weights (every parameter of rank ≤ 1) from weight decay. @default false */
  noDecayBiasesAndNorms?: boolean;
  /**
   * The update loop: `"wasm"` runs it as WebAssembly SIMD in float32 (torch's operation order; moments
   * live in a WebAssembly memory), `"js"` in float64 rounded to float32 on store. Both agree to a few
   * float32 ulps; `"wasm"` falls back to `"js"` where SIMD is unavailable or the moments exceed 4 GiB.
   * @default "wasm"
   */
  kernel?: "wasm" | "js";
}

/** One group's live settings. */
export interface ParamGroup {
  readonly name: string;
  lr: number;
  weightDecay: number;
  readonly names: string[];
}

interface Slot {
  p: Parameter;
  m: Float32Array;
  v: Float32Array;
  group: ParamGroup;
  decay: boolean;
  /** Updates this parameter received (PyTorch keeps the count per parameter). */
  t: number;
}

/**
 * AdamW with PyTorch semantics (`torch.optim.AdamW`): decoupled weight decay p ← p·(1 − lr·wd),
 * bias-corrected moments, eps added to √v̂. Updates parameters and moments in place: no allocation per step.
 * The update runs as a WebAssembly SIMD kernel (see {@link AdamWOptions.kernel}).
 */
export class AdamW {
  readonly groups: ParamGroup[];
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  /** Number of optimizer steps taken. */
  stepCount = 0;
  private readonly slots = new Map<string, Slot>();
  /** The SIMD kernel holding every slot's moments, or null (JS loop). */
  private readonly kernel: AdamWKernel | null;

  constructor(params: Iterable<readonly [string, Parameter]>, options: AdamWOptions = {}) {
    const { lr = 1e-3, betas = [0.9, 0.999], eps = 1e-8, weightDecay = 1e-2, groups = [], noDecayBiasesAndNorms = false, kernel = "wasm" } = options;
    [this.beta1, this.beta2] = betas;
    this.eps = eps;
    const made = groups.map((s) => ({ spec: s, group: { name: s.name, lr: s.lr ?? lr, weightDecay: s.weightDecay ?? weightDecay, names: [] as string[] } }));
    const fallback: ParamGroup = { name: "default", lr, weightDecay, names: [] };
    const trainable = [...params].filter(([, p]) => p.requiresGrad);
    this.kernel = kernel === "wasm" ? AdamWKernel.create(trainable.map(([, p]) => p.data.length)) : null;
    const moment = (n: number): Float32Array => (this.kernel ? this.kernel.moment(n) : new Float32Array(n));
    for (const [name, p] of trainable) {
      const group = made.find((m) => m.spec.match(name, p))?.group ?? fallback;
      group.names.push(name);
      const n = p.data.length;
      this.slots.set(name, { p, m: moment(n), v: moment(n), group, decay: !(noDecayBiasesAndNorms && p.shape.length <= 1), t: 0 });
    }
    this.groups = [...made.map((m) => m.group), fallback].filter((g) => g.names.length > 0);
  }

  /**
   * One update from `grads` (by parameter name; missing names are skipped, as PyTorch skips
   * parameters whose grad is None). `lrFactor` scales every group's lr (schedules); `gradScale`
   * multiplies every gradient on the fly (global-norm clipping without an extra pass).
   */
  step(grads: ReadonlyMap<string, Float32Array>, lrFactor = 1, gradScale = 1): void {
    this.stepCount++;
    const b1 = this.beta1;
    const b2 = this.beta2;
    for (const [name, s] of this.slots) {
      const g = grads.get(name);
      if (!g) continue;
      if (g.length !== s.p.data.length) throw new RangeError(`AdamW.step: gradient of "${name}" has ${g.length} values, parameter ${s.p.data.length}`);
      const t = ++s.t;
      const bc1 = 1 - b1 ** t;
      const bc2Sqrt = Math.sqrt(1 - b2 ** t);
      const lr = s.group.lr * lrFactor;
      const decay = s.decay ? 1 - lr * s.group.weightDecay : 1;
      const stepSize = lr / bc1;
      const { m, v } = s;
      const p = s.p.data;
      const eps = this.eps;
      if (this.kernel) {
        this.kernel.update(p, g, m, v, { decay, stepSize, bc2Sqrt, eps, beta1: b1, beta2: b2, gradScale });
        continue;
      }
      const invBc2sqrt = 1 / bc2Sqrt;
      for (let i = 0; i < p.length; i++) {
        const gi = (g[i] as number) * gradScale;
        const mi = b1 * (m[i] as number) + (1 - b1) * gi;
        const vi = b2 * (v[i] as number) + (1 - b2) * gi * gi;
        m[i] = mi;
        v[i] = vi;
        p[i] = (p[i] as number) * decay - (stepSize * mi) / (Math.sqrt(vi) * invBc2sqrt + eps);
      }
    }
  }

  /** Moments as named tensors (`exp_avg.<param>`, `exp_avg_sq.<param>`) for checkpoints. */
  stateTensors(): Map<string, { shape: readonly number[]; data: Float32Array }> {
    const out = new Map<string, { shape: readonly number[]; data: Float32Array }>();
    for (const [name, s] of this.slots) {
      out.set(`exp_avg.${name}`, { shape: s.p.shape, data: s.m });
      out.set(`exp_avg_sq.${name}`, { shape: s.p.shape, data: s.v });
    }
    return out;
  }

  /** Restores moments and the step count saved by {@link AdamW.stateTensors}. */
  loadState(tensors: ReadonlyMap<string, { data: ArrayLike<number> }>, stepCount: number): void {
    for (const [name, s] of this.slots) {
      const m = tensors.get(`exp_avg.${name}`);
      const v = tensors.get(`exp_avg_sq.${name}`);
      if (!m || !v) throw new Error(`AdamW.loadState: missing moments of "${name}"`);
      s.m.set(m.data);
      s.v.set(v.data);
      s.t = stepCount;
    }
    this.stepCount = stepCount;
  }
}
