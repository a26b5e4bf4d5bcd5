import { type AdamW, Ema, type Feed, type Rng, Trainer, type TrainStep } from "@osfm/nn";
import { checkpointTag, writeCheckpoint } from "./checkpoint";
import type { TrainingLog } from "./log";
import type { Networks } from "./state";
import { deriveSeed } from "./random";
import { emaSchedule, phaseLrSchedule } from "./schedule";
import type { Phase, ResolvedConfig } from "./types";

/** Progress of a pretraining run, reported after every optimizer step. */
export interface PretrainProgress {
  phase: Phase;
  /** 1-based epoch over both phases. */
  epoch: number;
  /** Optimizer steps done in this phase, and the phase's total. */
  step: number;
  totalSteps: number;
  loss: number;
  lr: number;
  /** Set when a checkpoint was written after this step. */
  checkpoint?: string;
}

/** What a phase supplies to the shared loop. */
export interface PhaseDriver {
  phase: Phase;
  stepsPerEpoch: number;
  totalSteps: number;
  accumulation: number;
  lr: number;
  warmupSteps: number;
  /** Epoch number (1-based, over both phases) of this phase's epoch 0. */
  firstEpochNumber: number;
  unit: "tokens" | "tiles";
  createStep(seed: number): Promise<TrainStep>;
  /** Feeds of micro-batch `micro` of optimizer step `stepInEpoch` of `epoch`; `units` = tokens or tiles. */
  microFeeds(epoch: number, stepInEpoch: number, micro: number, rng: Rng): Promise<{ feeds: Record<string, Feed>; units: number }>;
}

/** Where a phase starts (fresh: all zero). */
export interface PhaseStart {
  epoch: number;
  stepInEpoch: number;
}

/** Shared run context. */
export interface LoopContext {
  cfg: ResolvedConfig;
  nets: Networks;
  optimizer: AdamW;
  rng: Rng;
  log: TrainingLog;
  weightsDir: string;
  onProgress?: (p: PretrainProgress) => void;
  signal?: AbortSignal;
  /** Steps this call may still take before stopping without a checkpoint (simulated kill). */
  budget: { remaining: number };
  afterCheckpointFile?: (file: string) => void;
  /** Tag of the newest checkpoint written by this call (updated by the loop). */
  last: { checkpoint?: string };
  /** Optimizer steps of phase 1 (stored in phase-2 checkpoints). */
  phase1Steps: () => number;
}

const rssMb = () => Math.round(process.memoryUsage().rss / 1048576);

/**
 * Runs one phase from `start` to its last step: micro-steps with (optional) accumulation, scheduled
 * AdamW, EMA teacher, log rows, checkpoints every `saveEverySteps` and at each epoch end. The training
 * session is re-created after every checkpoint with a dropout seed derived from the step, so a resumed
 * run replays the same dropout masks as an uninterrupted one.
 */
export async function runPhase(ctx: LoopContext, d: PhaseDriver, start: PhaseStart): Promise<"done" | "stopped" | "aborted"> {
  const { cfg, nets, optimizer, rng, log } = ctx;
  const lrSchedule = phaseLrSchedule(d.warmupSteps, d.totalSteps);
  const tauSchedule = emaSchedule(cfg.emaSchedule, cfg.emaTau, d.totalSteps);
  const student = nets.studentModel();
  const teacher = nets.teacherModel();
  const ema = new Ema(teacher, student);
  const makeTrainer = async () => {
    const step = await d.createStep(deriveSeed(cfg.seed, "dropout", d.phase, optimizer.stepCount) % 2147483647);
    return new Trainer(step, optimizer, { accumulationSteps: d.accumulation, schedule: lrSchedule, ema: { ema, momentum: tauSchedule } });
  };
  let trainer = await makeTrainer();
  let { epoch, stepInEpoch } = start;
  const acc = { loss: 0, byol: 0, mfr: 0, n: 0, units: 0, t0: performance.now() };
  try {
    while (optimizer.stepCount < d.totalSteps) {
      if (stepInEpoch >= d.stepsPerEpoch) {
        epoch++;
        stepInEpoch = 0;
      }
      let stepLoss = 0;
      for (let m = 0; m < d.accumulation; m++) {
        const { feeds, units } = await d.microFeeds(epoch, stepInEpoch, m, rng);
        const r = await trainer.microStep(feeds);
        acc.loss += r.loss;
        stepLoss += r.loss / d.accumulation;
        acc.byol += Number(r.outputs.loss_byol?.data[0]);
        acc.mfr += Number(r.outputs.loss_mfr?.data[0]);
        acc.n++;
        acc.units += units;
      }
      stepInEpoch++;
      const step = optimizer.stepCount;
      const lrFactor = lrSchedule(step - 1);
      const epochEnd = stepInEpoch === d.stepsPerEpoch || step === d.totalSteps;
      const lr = d.lr * lrFactor;
      if (step % cfg.logEverySteps === 0 || epochEnd) {
        const seconds = (performance.now() - acc.t0) / 1000;
        const rate = acc.units / seconds;
        await log.append({
          ts: new Date().toISOString(), phase: d.phase, epoch: d.firstEpochNumber + epoch, step, lr,
          loss: acc.loss / acc.n, loss_byol: acc.byol / acc.n, loss_mfr: acc.mfr / acc.n,
          tokens_per_s: d.unit === "tokens" ? rate : null, tiles_per_s: d.unit === "tiles" ? rate : null, rss_mb: rssMb(),
        });
        Object.assign(acc, { loss: 0, byol: 0, mfr: 0, n: 0, units: 0, t0: performance.now() });
      }
      ctx.budget.remaining--;
      const stopping = ctx.budget.remaining <= 0;
      const aborting = ctx.signal?.aborted === true;
      const save = async (): Promise<string> => {
        const tag = checkpointTag(d.phase, epoch, step);
        await writeCheckpoint(ctx.weightsDir, {
          parts: nets.parts(optimizer),
          state: {
            tag, phase: d.phase, epoch, stepInEpoch, step, phaseDone: step === d.totalSteps, rngState: rng.getState(),
            schedule: { lrFactor, tau: tauSchedule(step - 1), totalSteps: d.totalSteps, warmupSteps: d.warmupSteps },
            architecture: nets.architecture(), standardizeTokens: nets.tokenScaler !== undefined, studentFingerprint: nets.student.fingerprint, phase1Steps: d.phase === 1 ? step : ctx.phase1Steps(),
          },
        }, ctx.afterCheckpointFile);
        ctx.last.checkpoint = tag;
        return tag;
      };
      const checkpoint = !stopping && (step % cfg.saveEverySteps === 0 || epochEnd || aborting) ? await save() : undefined;
      ctx.onProgress?.({ phase: d.phase, epoch: d.firstEpochNumber + epoch, step, totalSteps: d.totalSteps, loss: stepLoss, lr, ...(checkpoint ? { checkpoint } : {}) });
      if (stopping) return "stopped";
      if (ctx.signal?.aborted) {
        if (!checkpoint) await save(); // aborted during the progress callback
        return "aborted";
      }
      if (checkpoint && step < d.totalSteps) {
        await trainer.step.release();
        trainer = await makeTrainer();
      }
      // throughput counts training time only, not checkpoint writes and session re-creation
      if (checkpoint && acc.n === 0) acc.t0 = performance.now();
    }
    return "done";
  } finally {
    await trainer.step.release();
  }
}
