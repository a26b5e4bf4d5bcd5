import type * as ort from "onnxruntime-node";
import { readFile } from "node:fs/promises";
import { BackboneError } from "../errors";
import { float32ToFloat16, float16ToFloat32 } from "../float16";
import { IMAGENET_NORMALIZATION, tilesToTensor, type Normalization } from "../preprocess/normalize";
import type { FeatureDtype } from "../types";
import { encoderId, type Encoder } from "./encoder";
import { WorkerSession, type SessionInfo } from "./inference-worker";

/** How to open an ONNX image encoder. */
export interface OnnxEncoderOptions {
  /** Model bytes or a file path. */
  model: Uint8Array | string;
  /** Name shown in errors (the file path). */
  source: string;
  backbone: string;
  fingerprint: string;
  /** Intra-op threads. @default 0 (onnxruntime picks: one per core) */
  threads?: number;
  /** Per-channel normalisation after scaling to [0, 1]. @default ImageNet mean/std */
  normalization?: Normalization;
  /** Side of the square input when the model leaves it symbolic. @default 224 */
  defaultInputSize?: number;
}

interface InputSpec {
  name: string;
  dtype: FeatureDtype;
  /** Fixed batch size of the model, or undefined when the batch axis is dynamic. */
  fixedBatch: number | undefined;
  side: number;
}

const describe = (shape: readonly (number | string)[]): string => `[${shape.join(", ")}]`;

function inputSpec(session: SessionInfo, source: string, defaultSide: number): InputSpec {
  if (session.inputNames.length !== 1) {
    throw new BackboneError("BAD_MODEL", `expected one image input, found ${session.inputNames.length}: ${session.inputNames.join(", ")}`, { path: source });
  }
  const meta = session.inputMetadata[0];
  if (meta === undefined || !meta.isTensor) throw new BackboneError("BAD_MODEL", "the model input is not a tensor", { path: source });
  const { shape, type } = meta;
  const expected = `expected an RGB image input [batch, 3, H, W] float32|float16`;
  if (type !== "float32" && type !== "float16") {
    throw new BackboneError("BAD_MODEL", `input "${meta.name}" has element type ${type}; ${expected}`, { path: source });
  }
  const [b, c, h, w] = shape;
  const sideOk = (d: number | string | undefined) => typeof d === "string" || (typeof d === "number" && d > 0);
  if (shape.length !== 4 || c !== 3 || !sideOk(h) || !sideOk(w) || (typeof h === "number" && typeof w === "number" && h !== w)) {
    throw new BackboneError("BAD_MODEL", `input "${meta.name}" has shape ${describe(shape)}; ${expected} with H = W`, { path: source });
  }
  const side = typeof h === "number" ? h : typeof w === "number" ? w : defaultSide;
  return { name: meta.name, dtype: type, fixedBatch: typeof b === "number" && b > 0 ? b : undefined, side };
}

/** Opens an onnxruntime session for an image encoder, checks its input and wraps it as an `Encoder`. */
export async function openOnnxEncoder(options: OnnxEncoderOptions): Promise<Encoder> {
  const { model, source, backbone, fingerprint, threads = 0, normalization = IMAGENET_NORMALIZATION, defaultInputSize = 224 } = options;
  const sessionOptions: ort.InferenceSession.SessionOptions = {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: "sequential",
    graphOptimizationLevel: "all",
  };
  let session: WorkerSession;
  let info: SessionInfo;
  try {
    ({ session, info } = await WorkerSession.create(typeof model === "string" ? new Uint8Array(await readFile(model)) : model, sessionOptions));
  } catch (cause) {
    throw new BackboneError("BAD_MODEL", `onnxruntime cannot load the model: ${(cause as Error).message}`, { path: source, cause });
  }
  let spec: InputSpec;
  try {
    spec = inputSpec(info, source, defaultInputSize);
    if (info.outputNames[0] === undefined) throw new BackboneError("BAD_MODEL", "the model has no output", { path: source });
  } catch (e) {
    await session.release();
    throw e;
  }
  const outputName: string = info.outputNames[0]!;
  const side = spec.side;
  const plane = 3 * side * side;

  /** Runs one chunk; `input` must be owned by the caller of this function (its buffer moves to the worker). */
  async function runChunk(input: Float32Array, n: number): Promise<{ data: Float32Array; dim: number }> {
    const dims = [n, 3, side, side];
    let out;
    try {
      out = await session.run(spec.name, outputName, spec.dtype === "float16" ? { type: "float16", dims, data: float32ToFloat16(input) } : { type: "float32", dims, data: input });
    } catch (cause) {
      throw new BackboneError("BAD_MODEL", `onnxruntime failed on a batch of ${n}: ${(cause as Error).message}`, { path: source, cause });
    }
    const per = out.data.length / n;
    if (out.dims[0] !== n || !Number.isInteger(per)) {
      throw new BackboneError("BAD_MODEL", `output "${outputName}" has shape ${describe(out.dims)}; expected [${n}, dim]`, { path: source });
    }
    return { data: out.type === "float16" ? float16ToFloat32(out.data as Uint16Array) : (out.data as Float32Array), dim: per };
  }

  // Probe once with a blank batch to learn the output width.
  let dim: number;
  try {
    dim = (await runChunk(new Float32Array(plane * (spec.fixedBatch ?? 1)), spec.fixedBatch ?? 1)).dim;
  } catch (e) {
    await session.release();
    throw e;
  }

  async function encodeOwned(input: Float32Array, n: number): Promise<Float32Array> {
    if (input.length !== n * plane) {
      throw new BackboneError("BAD_INPUT", `input has ${input.length} values; expected ${n} × 3 × ${side} × ${side}`, { path: source });
    }
    if (n === 0) return new Float32Array(0);
    const step = spec.fixedBatch ?? n;
    const out = new Float32Array(n * dim);
    for (let start = 0; start < n; start += step) {
      const count = Math.min(step, n - start);
      let chunk = step === n ? input : input.slice(start * plane, (start + count) * plane);
      if (spec.fixedBatch !== undefined && count < step) {
        const padded = new Float32Array(step * plane);
        padded.set(chunk);
        chunk = padded;
      }
      const { data } = await runChunk(chunk, spec.fixedBatch ?? count);
      out.set(data.subarray(0, count * dim), start * dim);
    }
    return out;
  }

  return {
    id: encoderId(backbone, fingerprint),
    backbone,
    fingerprint,
    dim,
    inputSize: side,
    dtype: spec.dtype,
    threads,
    async encode(tiles: Uint8Array, n: number): Promise<Float32Array> {
      if (tiles.length !== n * side * side * 3) {
        throw new BackboneError("BAD_INPUT", `tiles hold ${tiles.length} bytes; expected ${n} × ${side} × ${side} × 3 RGB (HWC)`, { path: source });
      }
      return encodeOwned(tilesToTensor(tiles, n, side, normalization), n);
    },
    encodeTensor: (input, n) => encodeOwned(input.slice(), n),
    async close() {
      await session.release();
    },
  };
}
