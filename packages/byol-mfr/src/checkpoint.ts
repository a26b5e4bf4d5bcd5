import { randomBytes } from "node:crypto";
import { mkdir, readdir, readFile, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import { type NamedTensor, readSafetensors, writeFileAtomic, writeSafetensors } from "@osfm/nn";
import { ByolMfrError } from "./errors";
import type { Phase } from "./types";

/** Format tag of `state.json`. */
export const CHECKPOINT_FORMAT = "osfm.byol-mfr.checkpoint/1";

/** The JSON half of a checkpoint: where training stands and how to continue exactly. */
export interface CheckpointState {
  format: typeof CHECKPOINT_FORMAT;
  tag: string;
  phase: Phase;
  /** 0-based epoch of the phase in progress. */
  epoch: number;
  /** Optimizer steps done in that epoch. */
  stepInEpoch: number;
  /** Optimizer steps done in the phase (the AdamW step count; schedules are functions of it). */
  step: number;
  /** Optimizer steps of phase 1 (equal to `step` in phase 1). */
  phase1Steps: number;
  /** True when the phase is finished (the next run starts the next phase). */
  phaseDone: boolean;
  /** State words of the augmentation / masking generator. */
  rngState: number[];
  /** lr factor and EMA τ of the last step (the schedules themselves are recomputed from `step`). */
  schedule: { lrFactor: number; tau: number; totalSteps: number; warmupSteps: number };
  /** Architecture fingerprints checked on resume. */
  architecture: Record<string, unknown>;
  /** True when the networks see standardised tokens; the statistics are the `token_scaler` part. Absent = false. */
  standardizeTokens?: boolean;
  /** SHA-256 of the student aggregator weights (`MILTransformer.fingerprint`). */
  studentFingerprint: string;
  files: Record<string, string>;
  time: string;
}

/** What {@link writeCheckpoint} writes: named safetensors parts plus the state. */
export interface CheckpointContent {
  /** file base name (without .safetensors) → [tensors, metadata]; or a writer for parts saved by their owner. */
  parts: Record<string, (file: string) => Promise<void>>;
  state: Omit<CheckpointState, "format" | "files" | "time">;
}

/** Pointer file naming the newest complete checkpoint. */
export const LATEST = "latest.json";

/** `p1-e01-s000123`: phase, 1-based epoch, phase step. */
export function checkpointTag(phase: Phase, epoch: number, step: number): string {
  return `p${phase}-e${String(epoch + 1).padStart(2, "0")}-s${String(step).padStart(6, "0")}`;
}

/**
 * Writes a checkpoint folder atomically: every file goes into a hidden temporary folder, which is renamed
 * to `<weightsDir>/<tag>` only when complete; then `latest.json` is replaced (temp file + rename). A kill
 * at any point leaves the previous checkpoint and pointer intact. `afterFile` is called after each file
 * (crash tests).
 */
export async function writeCheckpoint(weightsDir: string, content: CheckpointContent, afterFile?: (file: string) => void): Promise<string> {
  const { tag } = content.state;
  await mkdir(weightsDir, { recursive: true });
  const tmp = path.join(weightsDir, `.tmp-${tag}-${randomBytes(4).toString("hex")}`);
  await mkdir(tmp);
  const files: Record<string, string> = {};
  for (const [name, write] of Object.entries(content.parts)) {
    const file = `${name}.safetensors`;
    await write(path.join(tmp, file));
    files[name] = file;
    afterFile?.(file);
  }
  const state: CheckpointState = { format: CHECKPOINT_FORMAT, ...content.state, files, time: new Date().toISOString() };
  await writeFileAtomic(path.join(tmp, "state.json"), [new TextEncoder().encode(`${JSON.stringify(state, null, 1)}\n`)]);
  afterFile?.("state.json");
  const final = path.join(weightsDir, tag);
  const old = `${final}.old-${randomBytes(4).toString("hex")}`;
  const existed = await exists(final);
  if (existed) await rename(final, old);
  await rename(tmp, final);
  if (existed) await rm(old, { recursive: true, force: true });
  const pointer = { checkpoint: tag, phase: state.phase, epoch: state.epoch, step: state.step, phaseDone: state.phaseDone, time: state.time };
  await writeFileAtomic(path.join(weightsDir, LATEST), [new TextEncoder().encode(`${JSON.stringify(pointer, null, 1)}\n`)]);
  return final;
}

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}

/** A checkpoint read back: its state and the tensors of every part. */
export interface LoadedCheckpoint {
  dir: string;
  state: CheckpointState;
  parts: Map<string, { tensors: Map<string, NamedTensor>; metadata: Record<string, string> }>;
}

/** Reads and validates one checkpoint folder (every part must parse); throws ByolMfrError naming the file. */
export async function readCheckpoint(dir: string): Promise<LoadedCheckpoint> {
  const statePath = path.join(dir, "state.json");
  let state: CheckpointState;
  try {
    state = JSON.parse(await readFile(statePath, "utf8")) as CheckpointState;
  } catch (cause) {
    throw new ByolMfrError("BAD_CHECKPOINT", `cannot read the checkpoint state: ${(cause as Error).message}`, statePath, { cause });
  }
  if (state.format !== CHECKPOINT_FORMAT) throw new ByolMfrError("BAD_CHECKPOINT", `expected format ${CHECKPOINT_FORMAT}, found ${String(state.format)}`, statePath);
  const parts = new Map<string, { tensors: Map<string, NamedTensor>; metadata: Record<string, string> }>();
  for (const [name, file] of Object.entries(state.files)) {
    const p = path.join(dir, file);
    try {
      parts.set(name, await readSafetensors(p));
    } catch (cause) {
      throw new ByolMfrError("BAD_CHECKPOINT", `cannot read checkpoint part "${name}": ${(cause as Error).message}`, p, { cause });
    }
  }
  return { dir, state, parts };
}

/**
 * The newest loadable checkpoint of a weights folder: the one `latest.json` names, or, if that is
 * missing or unreadable, the newest complete folder (by phase, then step). Undefined when none exists.
 */
export async function findLatestCheckpoint(weightsDir: string): Promise<LoadedCheckpoint | undefined> {
  try {
    const pointer = JSON.parse(await readFile(path.join(weightsDir, LATEST), "utf8")) as { checkpoint: string };
    return await readCheckpoint(path.join(weightsDir, pointer.checkpoint));
  } catch {
    // fall back to scanning
  }
  let entries: string[];
  try {
    entries = await readdir(weightsDir);
  } catch {
    return undefined;
  }
  const tags = entries.filter((e) => /^p[12]-e\d+-s\d+$/.test(e)).sort((a, b) => {
    const [pa, sa] = [Number(a[1]), Number(a.split("-s")[1])];
    const [pb, sb] = [Number(b[1]), Number(b.split("-s")[1])];
    return pb - pa || sb - sa;
  });
  for (const tag of tags) {
    try {
      return await readCheckpoint(path.join(weightsDir, tag));
    } catch {
      // incomplete: try an older one
    }
  }
  return undefined;
}

/** Writes an optimizer's moment tensors as one safetensors file. */
export async function writeTensors(file: string, tensors: ReadonlyMap<string, { shape: readonly number[]; data: Float32Array }>, metadata: Record<string, string> = {}): Promise<void> {
  const named = new Map<string, NamedTensor>();
  for (const [k, t] of tensors) named.set(k, { dtype: "F32", shape: t.shape, data: t.data });
  await writeSafetensors(file, named, metadata);
}
