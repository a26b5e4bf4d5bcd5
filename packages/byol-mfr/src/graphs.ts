import { concat, div, type Graph, gather, less, mul, slice, sub, type Tensor, TrainStep, where } from "@osfm/nn";
import type { BagScaler, MilTransformerNet } from "@osfm/mil";
import { Graph as NnGraph, Session } from "@osfm/nn";
import { byolMfrObjective } from "./loss";
import type { StudentModel, TeacherModel } from "./models";
import type { TrainableConvNeXt } from "./convnext";

/** Options shared by the graph builders. */
export interface GraphBuildOptions {
  /** Dropout / stochastic-depth seed of the training graph. */
  seed: number;
  threads: number;
  lambdaMfr: number;
  /** Phase 2: standardise the backbone's features with these statistics before the aggregator (`standardizeTokens`). */
  tokenScaler?: BagScaler;
}

/**
 * Phase-1 student step: inputs `x` [N, T, D] (views, masked rows zeroed), `pos`, `pad`, `masked` [N, T, 1],
 * and the targets of {@link byolMfrObjective}; one session computes the loss and every gradient.
 */
export function phase1StudentStep(student: StudentModel, options: GraphBuildOptions): Promise<TrainStep> {
  const { seed, threads, lambdaMfr } = options;
  return TrainStep.create(
    student,
    (g) => {
      const out = student.aggregator.forwardInputs(g);
      const masked = g.input("masked", ["batch", "tokens", 1]);
      const t = byolMfrObjective(g, out, student.decoder, masked, out.pad, lambdaMfr);
      return { loss: t.loss, outputs: { loss_byol: t.lossByol, loss_mfr: t.lossMfr } };
    },
    { seed, intraOpThreads: threads },
  );
}

/** Phase-1 teacher: an eval-mode (dropout off) session with outputs `projected` [N, D] and `tokens` [N, T, D]. */
export function phase1TeacherSession(teacher: TeacherModel, threads: number): Promise<Session> {
  const g = teacher.bind(new NnGraph({ training: false, name: "teacher" }));
  const out = teacher.aggregator.forwardInputs(g);
  g.output("projected", out.projected);
  g.output("tokens", out.tokens);
  return Session.create(g, { intraOpThreads: threads });
}

/**
 * z = (features − mean) / sd per token, with the 0.5 or 2.0 µm/px statistics chosen by the token's scale
 * (`pos[..., 2]`): the in-graph twin of `BagScaler.transform` for features the graph computes itself.
 */
export function standardizeTokens(g: Graph, features: Tensor, pos: Tensor, scaler: BagScaler): Tensor {
  const [s05, s20] = [scaler.stats("scale05"), scaler.stats("scale20")];
  const at05 = less(slice(pos, [2], [3], [2]), 1); // [B, T, 1] bool
  const c = (v: Float32Array, name: string) => g.constant(v, [scaler.dim], "float32", name);
  const mean = where(at05, c(s05.mean, "token_mean05"), c(s20.mean, "token_mean20"));
  const sd = where(at05, c(s05.scale, "token_sd05"), c(s20.scale, "token_sd20"));
  return div(sub(features, mean), sd);
}

/**
 * Tile features laid out as a padded bag: `images` [M, 3, S, S] (M fixed per step; unused tiles are zeros) → features [M, D], a zero row appended,
 * gathered by `index` [B, T] int64 (M = padding) → [B, T, D], standardised when a scaler is given. Also declares `pos` and `pad`.
 */
function tileBag(g: Graph, backbone: TrainableConvNeXt, side: number, tiles: number, scaler: BagScaler | undefined): { features: Tensor; pos: Tensor; pad: Tensor } {
  // static tile count: the Conv gradient needs static batch and spatial dims
  const images = g.input("images", [tiles, 3, side, side]);
  const index = g.input("index", ["batch", "tokens"], "int64");
  const pos = g.input("pos", ["batch", "tokens", 3]);
  const pad = g.input("pad", ["batch", "tokens"], "bool");
  const feats = backbone.forward(images);
  const zero = g.constant(new Float32Array(backbone.outDim), [1, backbone.outDim], "float32", "zero_row");
  const features = gather(concat([feats, zero], 0), index, 0);
  return { features: scaler ? standardizeTokens(g, features, pos, scaler) : features, pos, pad };
}

/**
 * Phase-2 student step: tiles → trainable ConvNeXt (train mode: stochastic depth) → masked bag →
 * aggregator → BYOL + MFR objective. Inputs `images`, `index`, `pos`, `pad`, `masked` and the targets.
 */
export function phase2StudentStep(student: StudentModel, side: number, tiles: number, options: GraphBuildOptions): Promise<TrainStep> {
  const { seed, threads, lambdaMfr, tokenScaler } = options;
  const backbone = student.backbone;
  if (!backbone) throw new Error("phase2StudentStep: the student has no backbone");
  return TrainStep.create(
    student,
    (g) => {
      const { features, pos, pad } = tileBag(g, backbone, side, tiles, tokenScaler);
      const masked = g.input("masked", ["batch", "tokens", 1]);
      const x = mul(features, sub(1, masked));
      const out = student.aggregator.forward(x, pos, pad);
      const t = byolMfrObjective(g, out, student.decoder, masked, pad, lambdaMfr);
      return { loss: t.loss, outputs: { loss_byol: t.lossByol, loss_mfr: t.lossMfr } };
    },
    // no onnxruntime memory pattern: its one planned block per run held ≈ 2.5 GB more at 16 tiles of 224 px
    // than the arena's reuse of freed blocks, at the same speed (README, Bench)
    { seed, intraOpThreads: threads, memoryPattern: false },
  );
}

/**
 * Phase-2 teacher: EMA backbone + EMA aggregator in eval mode on the unmasked tiles; outputs `features`
 * (standardised when `tokenScaler` is given, as the aggregator sees them), `projected`, `tokens`.
 */
export function phase2TeacherSession(teacher: TeacherModel, side: number, tiles: number, threads: number, tokenScaler?: BagScaler): Promise<Session> {
  const backbone = teacher.backbone;
  if (!backbone) throw new Error("phase2TeacherSession: the teacher has no backbone");
  const g = teacher.bind(new NnGraph({ training: false, name: "teacher_p2" }));
  const { features, pos, pad } = tileBag(g, backbone, side, tiles, tokenScaler);
  const out = (teacher.aggregator as MilTransformerNet).forward(features, pos, pad);
  g.output("features", features);
  g.output("projected", out.projected);
  g.output("tokens", out.tokens);
  return Session.create(g, { intraOpThreads: threads, memoryPattern: false });
}
