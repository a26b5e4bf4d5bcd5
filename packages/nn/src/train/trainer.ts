import { NonFiniteError } from "../errors.js";
import type { Feed, RunOutput } from "../run/session.js";
import type { AdamW } from "./adamw.js";
import { clipGradNorm } from "./clip.js";
import type { Ema } from "./ema.js";
import type { Schedule } from "./schedule.js";
import type { TrainStep } from "./train-step.js";

/** Options of {@link Trainer}. */
export interface TrainerOptions {
  /** Clip the global gradient norm to this value. @default Infinity (no clipping) */
  maxGradNorm?: number;
  /** Micro-batches whose gradients are averaged before one optimizer step. @default 1 */
  accumulationSteps?: number;
  /** lr multiplier per optimizer step (0-based). @default () => 1 */
  schedule?: Schedule;
  /** EMA teacher updated after every optimizer step with momentum `momentum(step)`. */
  ema?: { ema: Ema; momentum: Schedule };
  /** On NaN/Inf loss or gradient norm: throw a NonFiniteError, or drop this optimizer step and go on. @default "throw" */
  onNonFinite?: "throw" | "skip";
}

/** Result of one micro-step. (Clipping is applied inside the AdamW pass: `step.grads` keep the unclipped values.) */
export interface MicroStepResult {
  loss: number;
  outputs: Record<string, RunOutput>;
  /** Index of the optimizer step taken (0-based), or undefined while accumulating or when skipped. */
  optimizerStep: number | undefined;
  /** Global gradient norm before clipping (only when an optimizer step happened or was skipped). */
  gradNorm: number | undefined;
  /** lr factor used for the update. */
  lrFactor: number | undefined;
  /** True when a non-finite loss or norm made this step be dropped (onNonFinite: "skip"). */
  skipped: boolean;
  /** Wall time of the onnxruntime run and of the JS update (accumulate, clip, AdamW, EMA), ms. */
  timings: { graphMs: number; updateMs: number };
}

/**
 * Runs training micro-steps: forward+backward on onnxruntime, gradient accumulation, NaN/Inf
 * detection before any weight changes, global-norm clipping, scheduled AdamW and EMA.
 */
export class Trainer {
  private readonly accum: Map<string, Float32Array> | undefined;
  private micro = 0;
  private poisoned = false;
  private readonly k: number;

  constructor(
    readonly step: TrainStep,
    readonly optimizer: AdamW,
    readonly options: TrainerOptions = {},
  ) {
    this.k = options.accumulationSteps ?? 1;
    if (this.k < 1 || !Number.isInteger(this.k)) throw new RangeError(`Trainer: accumulationSteps must be a positive integer, got ${this.k}`);
    if (this.k > 1) this.accum = new Map([...step.grads].map(([n, g]) => [n, new Float32Array(g.length)]));
  }

  /** Optimizer steps taken so far. */
  get optimizerSteps(): number {
    return this.optimizer.stepCount;
  }

  /** One micro-batch: runs the graph, and every `accumulationSteps` micro-batches updates the weights. */
  async microStep(feeds: Record<string, Feed>): Promise<MicroStepResult> {
    const { maxGradNorm = Number.POSITIVE_INFINITY, schedule = () => 1, ema, onNonFinite = "throw" } = this.options;
    const t0 = performance.now();
    const { loss, outputs, gradSqSum } = await this.step.run(feeds);
    const t1 = performance.now();
    const stepIndex = this.optimizer.stepCount;
    const result = (over: Partial<MicroStepResult>): MicroStepResult => ({
      loss, outputs, optimizerStep: undefined, gradNorm: undefined, lrFactor: undefined, skipped: false,
      timings: { graphMs: t1 - t0, updateMs: performance.now() - t1 }, ...over,
    });
    if (!Number.isFinite(loss)) {
      if (onNonFinite === "throw") {
        this.micro = 0;
        throw new NonFiniteError(stepIndex, "loss", loss);
      }
      this.poisoned = true;
    }
    let grads: ReadonlyMap<string, Float32Array> = this.step.grads;
    if (this.accum) {
      const first = this.micro === 0;
      for (const [n, g] of this.step.grads) {
        const a = this.accum.get(n) as Float32Array;
        if (first) a.set(g);
        else for (let i = 0; i < a.length; i++) a[i] = (a[i] as number) + (g[i] as number);
      }
      this.micro++;
      if (this.micro < this.k) return result({});
      const inv = 1 / this.k;
      for (const a of this.accum.values()) for (let i = 0; i < a.length; i++) a[i] = (a[i] as number) * inv;
      grads = this.accum;
    }
    this.micro = 0;
    // without accumulation the norm comes from the graph and clipping is folded into the AdamW pass
    const gradNorm = this.accum ? clipGradNorm(grads.values(), maxGradNorm) : Math.sqrt(gradSqSum);
    if (this.poisoned || !Number.isFinite(gradNorm)) {
      this.poisoned = false;
      if (onNonFinite === "throw") throw new NonFiniteError(stepIndex, "grad-norm", gradNorm);
      return result({ gradNorm, skipped: true });
    }
    const clipCoef = !this.accum && Number.isFinite(maxGradNorm) ? Math.min(1, maxGradNorm / (gradNorm + 1e-6)) : 1;
    const lrFactor = schedule(stepIndex);
    this.optimizer.step(grads, lrFactor, clipCoef);
    if (ema) ema.ema.update(ema.momentum(stepIndex));
    return result({ optimizerStep: stepIndex, gradNorm, lrFactor });
  }
}
