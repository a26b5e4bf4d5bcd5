import { createHash } from "node:crypto";
import { readdir, readFile, rm } from "node:fs/promises";
import path from "node:path";
import { encoderId } from "@osfm/backbone";
import { AdamW, readSafetensors, Rng, writeFileAtomic } from "@osfm/nn";
import { BagScaler, MILTransformer } from "@osfm/mil";
import { findLatestCheckpoint, type LoadedCheckpoint } from "./checkpoint";
import { CONVNEXT_TINY_SHAPE, type ConvNeXtShape } from "./convnext";
import type { BagSource } from "./data";
import { ByolMfrError } from "./errors";
import { phase1TeacherSession, phase2TeacherSession } from "./graphs";
import { TrainingLog } from "./log";
import { type LoopContext, type PretrainProgress, runPhase } from "./loop";
import { phase1Driver } from "./phase1";
import { phase2Driver, phase2TilesPerStep } from "./phase2";
import { deriveSeed } from "./random";
import { Networks, saveBackbone } from "./state";
import { fitTokenScaler, saveFinalTokens, TOKEN_SCALER_FILE, TOKEN_SCALER_PART } from "./token-scaler";
import type { TileSource } from "./tiles";
import { type PretrainConfig, type ResolvedConfig, resolveConfig } from "./types";

/** Inputs of {@link pretrain}. */
export interface PretrainOptions {
  /** Phase-1 bags (cached features), e.g. `await featureDirBags(...)` or `memoryBags(bags)`. */
  bags: BagSource;
  /** Phase-2 raw tiles; phase 2 is skipped without it (or with `phase2.epochs` 0). */
  tiles?: TileSource;
  /** Where checkpoints, `latest.json` and the final weights go (workspace `weights/`). */
  weightsDir: string;
  /** Folder of `train_log.jsonl` / `train_log.csv`. @default weightsDir */
  logDir?: string;
  config?: Partial<PretrainConfig>;
  /** Starting aggregator weights (safetensors from `MILTransformer.save`). @default seeded init */
  initialAggregator?: string;
  /** Phase-2 starting backbone: torchvision ConvNeXt safetensors (`features.*`), e.g. the ImageNet weights that made the phase-1 features. @default seeded init */
  backboneWeights?: string;
  /** Depths/widths of the phase-2 backbone (its last width must equal the aggregator's). @default ConvNeXt-Tiny */
  backboneShape?: ConvNeXtShape;
  /** Continue from the newest checkpoint in `weightsDir`. @default true */
  resume?: boolean;
  onProgress?: (p: PretrainProgress) => void;
  /** Abort after the current optimizer step; a checkpoint is written first. */
  signal?: AbortSignal;
  /** Stop after this many optimizer steps in this call WITHOUT writing a checkpoint (simulates a kill). @default Infinity */
  stopAfterSteps?: number;
  /** Called after each file of a checkpoint is written (crash tests). */
  afterCheckpointFile?: (file: string) => void;
}

/** What {@link pretrain} returns. */
export interface PretrainResult {
  status: "completed" | "stopped" | "aborted";
  /** Optimizer steps of each phase reached. */
  phase1Steps: number;
  phase2Steps: number;
  /** Final student aggregator (`MILTransformer.load`-able) and its fingerprint. */
  studentPath?: string;
  /** With `standardizeTokens`: the token statistics in `final/` (`loadTokenScaler(path.dirname(studentPath))` reads them). */
  tokenScalerPath?: string;
  studentFingerprint: string;
  /** Phase-2 backbone (torchvision names; `createEncoder({ weights: backbonePath })`), its SHA-256 and encoder id. */
  backbonePath?: string;
  backboneFingerprint?: string;
  backboneEncoderId?: string;
  logJsonl: string;
  logCsv: string;
  /** Newest checkpoint tag, if any. */
  checkpoint?: string;
}

/**
 * BYOL + MFR pretraining (NB06): phase 1 on cached features, then phase 2 end to end with the backbone,
 * with exact resume from `weightsDir`. Writes checkpoints, the training log and, at the end,
 * `final/student.safetensors` (+ `final/backbone.safetensors` and `final/backbone.json` after phase 2).
 */
export async function pretrain(options: PretrainOptions): Promise<PretrainResult> {
  const cfg = resolveConfig(options.config);
  const { bags, tiles, weightsDir, onProgress, signal, afterCheckpointFile } = options;
  if (bags.slideIds.length === 0) throw new ByolMfrError("NO_SLIDES", "the bag source has no slides");
  const initial = options.initialAggregator ? await MILTransformer.load(options.initialAggregator, { threads: cfg.threads }) : undefined;
  const nets = Networks.create(cfg, initial);
  await removeUnfinishedCheckpoints(weightsDir);
  const ckpt = options.resume === false ? undefined : await findLatestCheckpoint(weightsDir);
  const runPhase2 = tiles !== undefined && cfg.phase2.epochs > 0 && cfg.phase2.maxSteps > 0;
  if (runPhase2 || ckpt?.state.phase === 2) {
    const start = options.backboneWeights ? (await readSafetensors(options.backboneWeights)).tensors : undefined;
    nets.addBackbones(options.backboneShape ?? CONVNEXT_TINY_SHAPE, deriveSeed(cfg.seed, "backbone"), cfg.phase2.stochasticDepth, start as never);
  }
  if (ckpt) {
    checkArchitecture(ckpt, nets);
    nets.load(ckpt);
  }
  nets.tokenScaler = await tokenScalerFor(cfg, bags, ckpt, signal);
  const log = new TrainingLog(options.logDir ?? weightsDir);
  await log.open(ckpt ? { phase: ckpt.state.phase, step: ckpt.state.step } : undefined);
  const ctx = (optimizer: AdamW, rng: Rng): LoopContext => ({
    cfg, nets, optimizer, rng, log, weightsDir, budget, afterCheckpointFile, phase1Steps: () => p1Steps, last,
    ...(onProgress ? { onProgress } : {}), ...(signal ? { signal } : {}),
  });
  const last: { checkpoint?: string } = ckpt ? { checkpoint: ckpt.state.tag } : {};
  const budget = { remaining: options.stopAfterSteps ?? Number.POSITIVE_INFINITY };
  const result = (status: PretrainResult["status"], p1: number, p2: number): PretrainResult => ({
    status, phase1Steps: p1, phase2Steps: p2, studentFingerprint: nets.student.fingerprint, logJsonl: log.jsonlPath, logCsv: log.csvPath,
    ...(last.checkpoint ? { checkpoint: last.checkpoint } : {}),
  });
  let p1Steps = ckpt ? ckpt.state.phase1Steps : 0;
  const phase1Pending = !ckpt || (ckpt.state.phase === 1 && !ckpt.state.phaseDone);
  if (phase1Pending) {
    const optimizer = new AdamW(nets.studentModel().namedParameters(), { lr: cfg.phase1.lr, weightDecay: cfg.weightDecay, betas: cfg.betas });
    const rng = new Rng(deriveSeed(cfg.seed, "phase1-views"));
    if (ckpt) restoreOptimizer(ckpt, optimizer, rng);
    const teacher = await phase1TeacherSession(nets.teacherModel(), cfg.threads);
    try {
      const driver = phase1Driver(cfg, nets, bags, teacher);
      const start = ckpt ? { epoch: ckpt.state.epoch, stepInEpoch: ckpt.state.stepInEpoch } : { epoch: 0, stepInEpoch: 0 };
      const status = await runPhase(ctx(optimizer, rng), driver, start);
      p1Steps = optimizer.stepCount;
      if (status !== "done") return result(status, p1Steps, 0);
    } finally {
      await teacher.release();
    }
  }
  let p2Steps = 0;
  const phase2Pending = runPhase2 && !(ckpt?.state.phase === 2 && ckpt.state.phaseDone);
  if (phase2Pending && tiles) {
    const optimizer = new AdamW(nets.studentModel().namedParameters(), {
      lr: cfg.phase2.lr, weightDecay: cfg.weightDecay, betas: cfg.betas,
      groups: [{ name: "backbone", match: (n) => n.startsWith("backbone."), lr: cfg.phase2.lr * cfg.phase2.backboneLrRatio }],
    });
    const rng = new Rng(deriveSeed(cfg.seed, "phase2-views"));
    const resuming = ckpt?.state.phase === 2;
    if (resuming && ckpt) restoreOptimizer(ckpt, optimizer, rng);
    else if (nets.backbone) await saveBackbone(nets.backbone, path.join(weightsDir, "backbone_start.safetensors"));
    const teacher = await phase2TeacherSession(nets.teacherModel(), cfg.phase2.tileSize, phase2TilesPerStep(cfg), cfg.threads, nets.tokenScaler?.scaler);
    try {
      const driver = phase2Driver(cfg, nets, tiles, teacher, signal);
      const start = resuming && ckpt ? { epoch: ckpt.state.epoch, stepInEpoch: ckpt.state.stepInEpoch } : { epoch: 0, stepInEpoch: 0 };
      const status = await runPhase(ctx(optimizer, rng), driver, start);
      p2Steps = optimizer.stepCount;
      if (status !== "done") return result(status, p1Steps, p2Steps);
    } finally {
      await teacher.release();
    }
  } else if (ckpt?.state.phase === 2) p2Steps = ckpt.state.step;
  return { ...result("completed", p1Steps, p2Steps), ...(await saveFinal(weightsDir, nets)) };
}

/** Deletes `.tmp-*` folders left by a checkpoint write that was killed. */
async function removeUnfinishedCheckpoints(weightsDir: string): Promise<void> {
  let entries: string[] = [];
  try {
    entries = await readdir(weightsDir);
  } catch {
    return;
  }
  for (const e of entries) if (e.startsWith(".tmp-")) await rm(path.join(weightsDir, e), { recursive: true, force: true });
}

/**
 * The token standardisation of the run: none, the checkpoint's statistics when resuming (so a resumed run
 * uses exactly the same transform), or a fresh streaming fit over every bag.
 */
async function tokenScalerFor(cfg: ResolvedConfig, bags: BagSource, ckpt: LoadedCheckpoint | undefined, signal?: AbortSignal): Promise<Networks["tokenScaler"]> {
  const saved = ckpt?.state.standardizeTokens === true;
  if (ckpt && saved !== cfg.standardizeTokens) {
    throw new ByolMfrError("BAD_CHECKPOINT", `the checkpoint was trained with standardizeTokens ${saved}, the config says ${cfg.standardizeTokens}`, ckpt.dir);
  }
  if (!cfg.standardizeTokens) return undefined;
  if (ckpt) {
    const part = ckpt.parts.get(TOKEN_SCALER_PART);
    const where = path.join(ckpt.dir, ckpt.state.files[TOKEN_SCALER_PART] ?? TOKEN_SCALER_FILE);
    if (!part) throw new ByolMfrError("BAD_CHECKPOINT", "the checkpoint standardised its tokens but has no token_scaler part", where);
    const minStd = Number(part.metadata["osfm.token_scaler.min_std"] ?? cfg.tokenStdFloor);
    return { scaler: BagScaler.fromTensors(part.tensors, where), minStd };
  }
  return { scaler: await fitTokenScaler(bags, cfg.tokenStdFloor, signal), minStd: cfg.tokenStdFloor };
}

function restoreOptimizer(ckpt: LoadedCheckpoint, optimizer: AdamW, rng: Rng): void {
  const part = ckpt.parts.get("optimizer");
  if (!part) throw new ByolMfrError("BAD_CHECKPOINT", "checkpoint has no optimizer state", ckpt.dir);
  optimizer.loadState(part.tensors as never, ckpt.state.step);
  rng.setState(ckpt.state.rngState);
}

function checkArchitecture(ckpt: LoadedCheckpoint, nets: Networks): void {
  // phase-1 checkpoints are compared without the backbone (it is built only for phase 2)
  const pick = (a: Record<string, unknown>) => JSON.stringify({ aggregator: a.aggregator, decoder: a.decoder, backbone: ckpt.state.phase === 2 ? a.backbone : null });
  const want = pick(nets.architecture());
  const found = pick(ckpt.state.architecture);
  if (want !== found) throw new ByolMfrError("BAD_CHECKPOINT", `checkpoint architecture ${found} differs from the configured ${want}`, ckpt.dir);
}

async function saveFinal(weightsDir: string, nets: Networks): Promise<Partial<PretrainResult>> {
  const dir = path.join(weightsDir, "final");
  const studentPath = path.join(dir, "student.safetensors");
  await nets.student.save(studentPath);
  await nets.teacher.save(path.join(dir, "teacher.safetensors"));
  await saveFinalTokens(dir, nets.tokenScaler?.scaler, nets.tokenScaler?.minStd ?? 0);
  const tokens = nets.tokenScaler ? { tokenScalerPath: path.join(dir, TOKEN_SCALER_FILE) } : {};
  if (!nets.backbone) return { studentPath, ...tokens };
  const backbonePath = path.join(dir, "backbone.safetensors");
  await saveBackbone(nets.backbone, backbonePath);
  const backboneFingerprint = createHash("sha256").update(await readFile(backbonePath)).digest("hex");
  const backboneEncoderId = encoderId("convnext_tiny", backboneFingerprint);
  const info = { weights: "backbone.safetensors", sha256: backboneFingerprint, encoderId: backboneEncoderId, shape: nets.backbone.shape, aggregatorFingerprint: nets.student.fingerprint };
  await writeFileAtomic(path.join(dir, "backbone.json"), [new TextEncoder().encode(`${JSON.stringify(info, null, 1)}\n`)]);
  return { studentPath, ...tokens, backbonePath, backboneFingerprint, backboneEncoderId };
}
