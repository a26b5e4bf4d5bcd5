import { type AdamW, type Module, saveWeights } from "@osfm/nn";
import { type BagScaler, MILTransformer } from "@osfm/mil";
import { type LoadedCheckpoint, writeTensors } from "./checkpoint";
import { CONVNEXT_TINY_SHAPE, type ConvNeXtShape, TrainableConvNeXt } from "./convnext";
import { MfrDecoder } from "./decoder";
import { ByolMfrError } from "./errors";
import { copyWeights, StudentModel, TeacherModel } from "./models";
import { deriveSeed } from "./random";
import { saveTokenScaler, TOKEN_SCALER_PART } from "./token-scaler";
import type { ResolvedConfig } from "./types";

/** Metadata key holding a ConvNeXt's depths/widths in backbone safetensors files. */
export const BACKBONE_SHAPE_KEY = "osfm.convnext.shape";

/** Every network of a pretraining run: student and teacher aggregators, decoder, and (phase 2) backbones. */
export class Networks {
  backbone: TrainableConvNeXt | undefined;
  teacherBackbone: TrainableConvNeXt | undefined;
  /** Token standardisation every network sees (`standardizeTokens`), saved with each checkpoint. */
  tokenScaler: { scaler: BagScaler; minStd: number } | undefined;
  private constructor(
    readonly student: MILTransformer,
    readonly teacher: MILTransformer,
    readonly decoder: MfrDecoder,
  ) {}

  /** Seeded student, teacher = copy of the student, seeded decoder. */
  static create(cfg: ResolvedConfig, initial?: MILTransformer): Networks {
    const student = initial ?? MILTransformer.create({ seed: deriveSeed(cfg.seed, "aggregator"), config: cfg.aggregator, threads: cfg.threads });
    const teacher = MILTransformer.create({ seed: 0, config: student.config, threads: cfg.threads });
    copyWeights(teacher.net, student.net);
    const decoder = new MfrDecoder({ ...cfg.decoder, dim: student.config.dim }, deriveSeed(cfg.seed, "decoder"));
    return new Networks(student, teacher, decoder);
  }

  /** Adds the phase-2 backbones (teacher = copy of the student backbone). */
  addBackbones(shape: ConvNeXtShape, seed: number, stochasticDepth: number, weights?: ReadonlyMap<string, { shape: readonly number[]; data: ArrayLike<number> }>): void {
    const last = shape.dims[shape.dims.length - 1];
    if (last !== this.student.config.dim) {
      throw new ByolMfrError("BAD_CONFIG", `backbone output width ${last} differs from the aggregator width ${this.student.config.dim}`);
    }
    this.backbone = new TrainableConvNeXt(shape, { seed, stochasticDepth });
    if (weights) this.backbone.loadStateDict(featuresOnly(weights));
    this.teacherBackbone = new TrainableConvNeXt(shape, { seed, stochasticDepth: 0 });
    copyWeights(this.teacherBackbone, this.backbone);
  }

  studentModel(): StudentModel {
    return new StudentModel(this.student.net, this.decoder, this.backbone);
  }

  teacherModel(): TeacherModel {
    return new TeacherModel(this.teacher.net, this.teacherBackbone);
  }

  /** Architecture summary stored in checkpoints and compared on resume. */
  architecture(): Record<string, unknown> {
    return { aggregator: this.student.config, decoder: this.decoder.config, backbone: this.backbone?.shape ?? null };
  }

  /** Checkpoint writers, one per file. */
  parts(optimizer: AdamW): Record<string, (file: string) => Promise<void>> {
    const parts: Record<string, (file: string) => Promise<void>> = {
      student: (f) => this.student.save(f),
      teacher: (f) => this.teacher.save(f),
      decoder: (f) => saveWeights(this.decoder, f, { "osfm.mfr_decoder.config": JSON.stringify(this.decoder.config) }),
    };
    if (this.backbone && this.teacherBackbone) {
      parts.backbone = (f) => saveBackbone(this.backbone as TrainableConvNeXt, f);
      parts.backbone_teacher = (f) => saveBackbone(this.teacherBackbone as TrainableConvNeXt, f);
    }
    const tokens = this.tokenScaler;
    if (tokens) parts[TOKEN_SCALER_PART] = (f) => saveTokenScaler(tokens.scaler, f, tokens.minStd);
    parts.optimizer = (f) => writeTensors(f, optimizer.stateTensors(), { "osfm.adamw.step": String(optimizer.stepCount) });
    return parts;
  }

  /** Loads weights from a checkpoint (backbones only when the checkpoint has them and they are built). */
  load(ckpt: LoadedCheckpoint): void {
    const get = (name: string) => {
      const p = ckpt.parts.get(name);
      if (!p) throw new ByolMfrError("BAD_CHECKPOINT", `checkpoint has no part "${name}"`, ckpt.dir);
      return p.tensors as unknown as Map<string, { shape: readonly number[]; data: ArrayLike<number> }>;
    };
    this.student.net.loadStateDict(get("student"));
    this.teacher.net.loadStateDict(get("teacher"));
    this.decoder.loadStateDict(get("decoder"));
    if (this.backbone && ckpt.parts.has("backbone")) this.backbone.loadStateDict(get("backbone"));
    if (this.teacherBackbone && ckpt.parts.has("backbone_teacher")) this.teacherBackbone.loadStateDict(get("backbone_teacher"));
  }
}

/** Keeps the `features.*` tensors of a torchvision ConvNeXt state dict (drops the classifier head). */
export function featuresOnly<T>(weights: ReadonlyMap<string, T>): Map<string, T> {
  return new Map([...weights].filter(([k]) => k.startsWith("features.")));
}

/** Saves a backbone with torchvision names (`features.*`), loadable by `@osfm/backbone`'s `createEncoder({ weights })`. */
export async function saveBackbone(backbone: TrainableConvNeXt, file: string): Promise<void> {
  await saveWeights(backbone as Module, file, { [BACKBONE_SHAPE_KEY]: JSON.stringify(backbone.shape) });
}

export { CONVNEXT_TINY_SHAPE };
