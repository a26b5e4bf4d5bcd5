import { Graph, Rng, parseSafetensors, toOnnxBytes } from "@osfm/nn";
import { BackboneError } from "../errors";
import type { Architecture, ArchitectureBuildOptions } from "../encoder/create-encoder";
import { sha256Bytes } from "../fingerprint";
import { roundToFloat16InPlace } from "../float16";
import { loadConvNeXtWeights, type WeightTensor } from "./load-weights";
import { CONVNEXT_TINY, ConvNeXtFeatures, type ConvNeXtConfig } from "./model";

/** Float tensors of a safetensors file (F32, F16, BF16, F64), via @osfm/nn's reader; errors name the file. */
export function readFloatTensors(bytes: Uint8Array, source: string): Map<string, WeightTensor> {
  let tensors;
  try {
    // A Node Buffer's slice() is a view, which @osfm/nn's reader relies on to copy: hand it a plain Uint8Array.
    tensors = parseSafetensors(Buffer.isBuffer(bytes) ? new Uint8Array(bytes) : bytes, source).tensors;
  } catch (cause) {
    throw new BackboneError("BAD_WEIGHTS", `not a safetensors file: ${(cause as Error).message}`, { path: source, cause });
  }
  const out = new Map<string, WeightTensor>();
  for (const [name, t] of tensors) {
    if (t.data instanceof Float32Array) out.set(name, { shape: t.shape, data: t.data });
    else if (t.data instanceof Float64Array) out.set(name, { shape: t.shape, data: Float32Array.from(t.data) });
    else throw new BackboneError("BAD_WEIGHTS", `tensor "${name}" has dtype ${t.dtype}; expected a float type`, { path: source });
  }
  return out;
}

/**
 * Builds a ConvNeXt as an ONNX model: weights from safetensors (torchvision or timm names) or a seeded
 * torchvision-style init. Input `image` [batch, 3, side, side] float32, output `features` [batch, dim].
 * With dtype float16, weights are rounded to half precision (CPU kernels still compute in float32).
 */
export function buildConvNeXtOnnx(config: ConvNeXtConfig, options: ArchitectureBuildOptions & { side?: number }): { model: Uint8Array; fingerprint: string; parameters: number } {
  const { weights, seed, dtype, finalNorm, side = 224 } = options;
  const net = new ConvNeXtFeatures(config, { rng: new Rng(seed), finalNorm });
  if (weights !== undefined) loadConvNeXtWeights(net, readFloatTensors(weights.bytes, weights.source), weights.source);
  const params = [...net.namedParameters()];
  const fingerprint = weights !== undefined ? sha256Bytes(weights.bytes) : sha256Bytes(...params.map(([, p]) => new Uint8Array(p.data.buffer, p.data.byteOffset, p.data.byteLength)));
  if (dtype === "float16") for (const [, p] of params) roundToFloat16InPlace(p.data);
  const graph = new Graph({ params: "initializers", name: "convnext" });
  net.bind(graph);
  const x = graph.input("image", ["batch", 3, side, side]);
  graph.output("features", net.forward(x));
  return { model: toOnnxBytes(graph, { producer: "@osfm/backbone" }), fingerprint, parameters: net.numParameters() };
}

/**
 * A ConvNeXt of any depths and widths as an `Architecture`, for `registerArchitecture` (e.g. ConvNeXt-Small:
 * depths 3-3-27-3, widths 96-192-384-768).
 */
export function convnextArchitecture(config: ConvNeXtConfig, inputSize = 224): Architecture {
  return {
    inputSize,
    async build(options) {
      return buildConvNeXtOnnx(config, { ...options, side: inputSize });
    },
  };
}

/** ConvNeXt-Tiny (torchvision `convnext_tiny` features, 768-d GAP output), registered as `convnext_tiny`. */
export const convnextTinyArchitecture: Architecture = convnextArchitecture(CONVNEXT_TINY);
