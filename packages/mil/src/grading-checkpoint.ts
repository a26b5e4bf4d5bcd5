import { mkdir, readFile } from "node:fs/promises";
import path from "node:path";
import { writeFileAtomic } from "@osfm/nn";
import type { AttentionMilConfig } from "./attention-mil";
import { MilInputError } from "./errors";
import { AttentionMil } from "./grading-model";
import type { TrainGradingResult } from "./grading-train";

/** The JSON half of a grading checkpoint (`checkpoint.json`); the weights are safetensors beside it. */
export interface GradingCheckpointState {
  format: "osfm.attention-mil.checkpoint/1";
  config: AttentionMilConfig;
  steps: number;
  emaDecay: number;
  bestEpoch: number;
  bestScore: number;
  history: TrainGradingResult["history"];
  /** SHA-256 of the student and EMA weights, checked on load. */
  fingerprints: { student: string; ema: string };
}

/**
 * Writes a trained grading model as `<dir>/student.safetensors`, `<dir>/ema.safetensors` and
 * `<dir>/checkpoint.json` (config, steps, EMA decay, best epoch, history). The JSON is written last,
 * atomically, so its presence means the whole checkpoint is there.
 */
export async function saveGradingCheckpoint(dir: string, result: TrainGradingResult): Promise<void> {
  await mkdir(dir, { recursive: true });
  await result.student.save(path.join(dir, "student.safetensors"));
  await result.model.save(path.join(dir, "ema.safetensors"));
  const state: GradingCheckpointState = {
    format: "osfm.attention-mil.checkpoint/1",
    config: result.model.config,
    steps: result.steps,
    emaDecay: result.emaDecay,
    bestEpoch: result.bestEpoch,
    bestScore: result.bestScore,
    history: result.history,
    fingerprints: { student: result.student.fingerprint, ema: result.model.fingerprint },
  };
  await writeFileAtomic(path.join(dir, "checkpoint.json"), [new TextEncoder().encode(`${JSON.stringify(state, null, 2)}\n`)]);
}

/** Loads a checkpoint written by {@link saveGradingCheckpoint}; the weights must match the recorded fingerprints. */
export async function loadGradingCheckpoint(dir: string): Promise<{ ema: AttentionMil; student: AttentionMil; state: GradingCheckpointState }> {
  const file = path.join(dir, "checkpoint.json");
  let state: GradingCheckpointState;
  try {
    state = JSON.parse(await readFile(file, "utf8")) as GradingCheckpointState;
  } catch (error) {
    throw new MilInputError("BAD_CHECKPOINT", file, `cannot read the checkpoint state (${String(error)})`);
  }
  if (state.format !== "osfm.attention-mil.checkpoint/1") throw new MilInputError("BAD_CHECKPOINT", file, `unknown format ${String(state.format)}`);
  const ema = await AttentionMil.load(path.join(dir, "ema.safetensors"), { config: state.config });
  const student = await AttentionMil.load(path.join(dir, "student.safetensors"), { config: state.config });
  if (ema.fingerprint !== state.fingerprints.ema || student.fingerprint !== state.fingerprints.student) {
    throw new MilInputError("BAD_CHECKPOINT", dir, "weights do not match the fingerprints in checkpoint.json");
  }
  return { ema, student, state };
}
