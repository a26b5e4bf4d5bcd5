import { AdamW, Ema, type Feed, Rng, TrainStep, Trainer, warmupCosine } from "@osfm/nn";
import { type AttentionMilConfig } from "./attention-mil";
import { augmentBag, type BagAugmentOptions } from "./augment";
import { MilInputError } from "./errors";
import { gradingFeeds } from "./grading-batch";
import { classWeights, gradingLoss, gradingLossInputs, type GradingLossOptions, smoothedTargets } from "./grading-loss";
import { AttentionMil } from "./grading-model";
import type { SlideBag } from "./types";

/** A validation score of integer predictions (e.g. quadratic-weighted kappa from @osfm/stats); higher is better. */
export type GradingMetric = (yTrue: readonly number[], yPred: readonly number[]) => number;

/** Labelled bags. */
export interface GradingSet {
  bags: readonly SlideBag[];
  labels: readonly number[];
}

/** Options of {@link trainGrading}; defaults are the original's (SPEC §13.4). */
export interface TrainGradingOptions {
  config?: Partial<AttentionMilConfig>;
  /** Seeds the initialisation, the batch order, augmentation and dropout. @default 42 */
  seed?: number;
  /** @default 30 */
  epochs?: number;
  /** Slides per optimizer step. @default 24 */
  batchSize?: number;
  /** @default 3e-4 */
  lr?: number;
  /** @default 1e-4 */
  weightDecay?: number;
  /** Linear warm-up epochs from 0.1·lr. @default 2 */
  warmupEpochs?: number;
  /** Final lr of the cosine. @default 1e-6 */
  minLr?: number;
  /** Global gradient-norm clip (on the true gradients: no loss scaling here). @default 1.0 */
  maxGradNorm?: number;
  /** EMA decay of the evaluation weights. @default 0.999 */
  emaDecay?: number;
  /**
   * Warm the EMA up: decay at optimizer step t (0-based) is min(emaDecay, (1 + t) / (10 + t)), as TensorFlow's
   * ExponentialMovingAverage with `num_updates`. Without it, a short run (a small cohort: a few optimizer steps
   * per epoch) is evaluated with weights that are still ≈ the initialisation (0.999^100 ≈ 0.9). `false` keeps
   * the original's constant decay. @default true
   */
  emaWarmup?: boolean;
  /** Label smoothing of the training loss. @default 0.05 */
  smoothing?: number;
  /** Early-stopping patience in epochs on the validation metric. @default 7 */
  patience?: number;
  loss?: GradingLossOptions;
  /** Feature-space augmentation; `false` turns it off. @default the original's */
  augment?: BagAugmentOptions | false;
  threads?: number;
  /** Called after each epoch with the mean training loss and the validation score. */
  onEpoch?: (info: { epoch: number; trainLoss: number; validationScore: number; lr: number }) => void;
  signal?: AbortSignal;
}

/** What {@link trainGrading} returns: the EMA model at its best validation epoch. */
export interface TrainGradingResult {
  /** The EMA weights at the best validation epoch (what the original evaluates with). */
  model: AttentionMil;
  /** The trained (non-EMA) weights at the end of training. */
  student: AttentionMil;
  /** Optimizer steps taken. */
  steps: number;
  emaDecay: number;
  bestEpoch: number;
  bestScore: number;
  history: { epoch: number; trainLoss: number; validationScore: number }[];
}

function argmaxRows(p: Float64Array, k: number): number[] {
  const out: number[] = [];
  for (let r = 0; r < p.length / k; r++) {
    let best = 0;
    for (let j = 1; j < k; j++) if ((p[r * k + j] as number) > (p[r * k + best] as number)) best = j;
    out.push(best);
  }
  return out;
}

/** Predicted grades (argmax) of a model for a set of bags, in batches. */
export async function predictGrades(model: AttentionMil, bags: readonly SlideBag[], batchSize = 24): Promise<{ proba: Float64Array; pred: number[] }> {
  const k = model.config.numClasses;
  const proba = new Float64Array(bags.length * k);
  for (let i = 0; i < bags.length; i += batchSize) proba.set(await model.predictProba(bags.slice(i, i + batchSize)), i * k);
  return { proba, pred: argmaxRows(proba, k) };
}

/**
 * Trains the grading model on `train`, choosing the epoch by `metric` on `validation` (an inner split
 * of the training folds, never the fold that is reported). AdamW, warm-up then cosine per epoch,
 * clipping, EMA weights for evaluation, early stopping.
 */
export async function trainGrading(train: GradingSet, validation: GradingSet, metric: GradingMetric, options: TrainGradingOptions = {}): Promise<TrainGradingResult> {
  const {
    config = {}, seed = 42, epochs = 30, batchSize = 24, lr = 3e-4, weightDecay = 1e-4, warmupEpochs = 2, minLr = 1e-6,
    maxGradNorm = 1.0, emaDecay = 0.999, emaWarmup = true, smoothing = 0.05, patience = 7, loss = {}, augment = {}, threads = 0, onEpoch, signal,
  } = options;
  if (train.bags.length !== train.labels.length || train.bags.length === 0) {
    throw new MilInputError("BAD_LABELS", "<training set>", `expected one label per bag, got ${train.bags.length} bags and ${train.labels.length} labels`);
  }
  const student = AttentionMil.create({ seed, config, threads });
  const teacher = AttentionMil.create({ seed, config, threads });
  const k = student.config.numClasses;
  for (const y of [...train.labels, ...validation.labels]) {
    if (!Number.isInteger(y) || y < 0 || y >= k) throw new MilInputError("BAD_LABELS", "<labels>", `grade ${y} is not an integer in [0, ${k - 1}]`);
  }
  const ema = new Ema(teacher.net, student.net);
  ema.copy();
  const step = await TrainStep.create(
    student.net,
    (g) => ({ loss: gradingLoss(student.net.forwardInputs(g), gradingLossInputs(g, k), loss) }),
    { seed, intraOpThreads: threads },
  );
  const stepsPerEpoch = Math.ceil(train.bags.length / batchSize);
  const epochFactor = warmupCosine({ warmupSteps: Math.min(warmupEpochs, epochs), totalSteps: epochs, warmupStartFactor: 0.1, minFactor: minLr / lr });
  const trainer = new Trainer(step, new AdamW(student.net.namedParameters(), { lr, weightDecay }), {
    maxGradNorm,
    schedule: (s) => epochFactor(Math.floor(s / stepsPerEpoch)),
    ema: { ema, momentum: (t) => (emaWarmup ? Math.min(emaDecay, (1 + t) / (10 + t)) : emaDecay) },
  });
  const weights = classWeights(train.labels, k);
  const rng = new Rng(seed ^ 0x5eed);
  const history: TrainGradingResult["history"] = [];
  let best = { epoch: -1, score: Number.NEGATIVE_INFINITY, weights: new Map<string, Float32Array>() };
  for (let epoch = 0; epoch < epochs; epoch++) {
    const order = Array.from(train.bags.keys());
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rng.uniform() * (i + 1));
      [order[i], order[j]] = [order[j] as number, order[i] as number];
    }
    let lossSum = 0;
    for (let b = 0; b < order.length; b += batchSize) {
      if (signal?.aborted) throw signal.reason ?? new Error("trainGrading aborted");
      const idx = order.slice(b, b + batchSize);
      const bags = idx.map((i) => (augment === false ? (train.bags[i] as SlideBag) : augmentBag(train.bags[i] as SlideBag, rng, augment)));
      const labels = idx.map((i) => train.labels[i] as number);
      const feeds: Record<string, Feed> = {
        ...gradingFeeds(bags, student.config.dim),
        target: { data: smoothedTargets(labels, k, smoothing), dims: [idx.length, k] },
        class_weight: { data: Float32Array.from(labels, (y) => weights[y] as number), dims: [idx.length] },
        grade: { data: Float32Array.from(labels), dims: [idx.length] },
      };
      lossSum += (await trainer.microStep(feeds)).loss * idx.length;
    }
    const { pred } = await predictGrades(teacher, validation.bags, batchSize);
    const score = metric(validation.labels, pred);
    const trainLoss = lossSum / order.length;
    history.push({ epoch, trainLoss, validationScore: score });
    onEpoch?.({ epoch, trainLoss, validationScore: score, lr: lr * epochFactor(epoch) });
    if (score > best.score) {
      best = { epoch, score, weights: new Map([...teacher.net.namedParameters()].map(([n, p]) => [n, p.data.slice()])) };
    } else if (epoch - best.epoch >= patience) break;
  }
  await step.release();
  await student.release();
  await teacher.release();
  for (const [name, p] of teacher.net.namedParameters()) p.data.set(best.weights.get(name) as Float32Array);
  return { model: teacher, student, steps: trainer.optimizerSteps, emaDecay, bestEpoch: best.epoch, bestScore: best.score, history };
}
