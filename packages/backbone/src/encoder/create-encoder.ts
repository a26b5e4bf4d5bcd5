import { readFile } from "node:fs/promises";
import path from "node:path";
import { BackboneError } from "../errors";
import { sha256Bytes } from "../fingerprint";
import { roundToFloat16InPlace } from "../float16";
import { IMAGENET_NORMALIZATION, tilesToTensor, type Normalization } from "../preprocess/normalize";
import type { FeatureDtype } from "../types";
import type { Encoder } from "./encoder";
import { openOnnxEncoder } from "./onnx-session";

/** Options of `createEncoder`. */
export interface CreateEncoderOptions {
  /** Architecture to build when `weights` is a safetensors file or absent. @default "convnext_tiny" */
  arch?: string;
  /** Weights: a `.safetensors` file for `arch`, or a `.onnx` encoder file. @default seeded random init */
  weights?: string;
  /** Seed of the random init used when `weights` is absent. @default 0 */
  seed?: number;
  /** Intra-op threads for onnxruntime. @default 0 (one per core) */
  threads?: number;
  /** Precision of weights and input; an ONNX file's own input type must agree. @default "float32" */
  dtype?: FeatureDtype;
  /** Per-channel normalisation after scaling to [0, 1]. @default ImageNet mean/std */
  normalization?: Normalization;
  /** Name of an ONNX backbone in the encoder id. @default "onnx_" + the file's base name */
  name?: string;
  /** Apply the final LayerNorm (torchvision `classifier.0`, timm `head.norm`) after pooling. @default false (as the original) */
  finalNorm?: boolean;
}

/** What an architecture builder receives. */
export interface ArchitectureBuildOptions {
  /** Safetensors bytes and the file name for errors, or undefined for a seeded init. */
  weights: { bytes: Uint8Array; source: string } | undefined;
  seed: number;
  dtype: FeatureDtype;
  finalNorm: boolean;
}

/** An architecture @osfm/backbone can build as an ONNX graph. */
export interface Architecture {
  /** Side of the input tiles. */
  inputSize: number;
  /** Builds the ONNX model; `fingerprint` is the SHA-256 of the weights it used. */
  build(options: ArchitectureBuildOptions): Promise<{ model: Uint8Array; fingerprint: string }>;
}

/** Architectures by name, each imported lazily. Add your own with `registerArchitecture`. */
const architectures = new Map<string, () => Promise<Architecture>>([
  ["convnext_tiny", async () => (await import("../convnext/architecture")).convnextTinyArchitecture],
]);

/** Makes `createEncoder({ arch: name })` build `load()`'s architecture. */
export function registerArchitecture(name: string, load: () => Promise<Architecture>): void {
  architectures.set(name, load);
}

type ResolvedOptions = CreateEncoderOptions &
  Required<Pick<CreateEncoderOptions, "arch" | "seed" | "threads" | "dtype" | "finalNorm">> & { dtypeExplicit: boolean };
type WeightLoader = (file: string, options: ResolvedOptions) => Promise<Encoder>;

async function readWeights(file: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(file));
  } catch (cause) {
    throw new BackboneError("BAD_WEIGHTS", `cannot read weights: ${(cause as Error).message}`, { path: file, cause });
  }
}

async function buildArchitecture(
  weights: { bytes: Uint8Array; source: string } | undefined,
  options: ResolvedOptions,
): Promise<Encoder> {
  const load = architectures.get(options.arch);
  if (load === undefined) {
    throw new BackboneError("BAD_MODEL", `unknown architecture "${options.arch}"; known: ${[...architectures.keys()].join(", ")} (or pass an .onnx file)`);
  }
  const arch = await load();
  const { model, fingerprint } = await arch.build({ weights, seed: options.seed, dtype: options.dtype, finalNorm: options.finalNorm });
  const encoder = await openOnnxEncoder({
    model,
    source: weights?.source ?? `${options.arch} (seed ${options.seed})`,
    backbone: `${options.arch}${options.finalNorm ? "_norm" : ""}${options.dtype === "float16" ? "_fp16" : ""}`,
    fingerprint,
    threads: options.threads,
    ...(options.normalization === undefined ? {} : { normalization: options.normalization }),
    defaultInputSize: arch.inputSize,
  });
  if (options.dtype === "float32") return encoder;
  // float16: weights and the preprocessed input hold half-precision values (as CUDA autocast would give the
  // original); the graph still computes in float32, since CPU kernels for half precision are slow or missing.
  const side = encoder.inputSize;
  const norm = options.normalization ?? IMAGENET_NORMALIZATION;
  return {
    ...encoder,
    dtype: "float16",
    async encode(tiles: Uint8Array, n: number) {
      if (tiles.length !== n * side * side * 3) {
        throw new BackboneError("BAD_INPUT", `tiles hold ${tiles.length} bytes; expected ${n} × ${side} × ${side} × 3 RGB (HWC)`);
      }
      return encoder.encodeTensor(roundToFloat16InPlace(tilesToTensor(tiles, n, side, norm)), n);
    },
    encodeTensor: (input: Float32Array, n: number) => encoder.encodeTensor(roundToFloat16InPlace(input.slice()), n),
  };
}

/** Weight file formats by extension. */
const weightLoaders = new Map<string, WeightLoader>([
  [".safetensors", async (file, options) => buildArchitecture({ bytes: await readWeights(file), source: file }, options)],
  [
    ".onnx",
    async (file, options) => {
      const bytes = await readWeights(file);
      const encoder = await openOnnxEncoder({
        model: bytes,
        source: file,
        backbone: options.name ?? `onnx_${path.basename(file, ".onnx")}`,
        fingerprint: sha256Bytes(bytes),
        threads: options.threads,
        ...(options.normalization === undefined ? {} : { normalization: options.normalization }),
      });
      if (options.dtypeExplicit && encoder.dtype !== options.dtype) {
        await encoder.close();
        throw new BackboneError("BAD_MODEL", `the model's input is ${encoder.dtype}, but dtype "${options.dtype}" was requested`, { path: file });
      }
      return encoder;
    },
  ],
]);

/**
 * Opens a tile encoder: ConvNeXt-Tiny built from safetensors weights (torchvision or timm names) or from a
 * seeded random init, or any ONNX image encoder file (UNI, CONCH, Virchow, your own export).
 */
export async function createEncoder(options: CreateEncoderOptions = {}): Promise<Encoder> {
  const { arch = "convnext_tiny", weights, seed = 0, threads = 0, dtype = "float32", finalNorm = false } = options;
  const resolved = { ...options, arch, seed, threads, dtype, finalNorm, dtypeExplicit: options.dtype !== undefined };
  if (weights === undefined) return buildArchitecture(undefined, resolved);
  const ext = path.extname(weights).toLowerCase();
  const loader = weightLoaders.get(ext);
  if (loader === undefined) {
    throw new BackboneError("BAD_WEIGHTS", `unknown weights format "${ext}"; expected one of ${[...weightLoaders.keys()].join(", ")}`, { path: weights });
  }
  return loader(weights, resolved);
}
