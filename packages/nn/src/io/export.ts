import { Graph, Tensor } from "../graph/graph.js";
import type { DType, Shape } from "../graph/types.js";
import type { Module } from "../modules/module.js";
import { toOnnxBytes } from "../onnx/emit.js";
import { cast } from "../ops/elementwise.js";
import { writeFileAtomic } from "./atomic.js";

/** One input of an exported model. */
export interface ExportInput {
  name: string;
  /** Symbolic dims (strings) stay dynamic in the ONNX file. */
  shape: Shape;
  /** @default "float32" */
  dtype?: DType;
}

/** Options of {@link exportOnnx}. */
export interface ExportOptions<M extends Module> {
  inputs: readonly ExportInput[];
  /** Builds the outputs from the inputs (eval mode). Return one tensor or named tensors. */
  forward: (model: M, ...inputs: Tensor[]) => Tensor | Record<string, Tensor>;
  /** String metadata stored in the model (e.g. provenance). */
  metadata?: Record<string, string>;
  /**
   * `"float16"`: weights stored and computed in half precision; float inputs and outputs stay
   * float32 (cast at the edges). Halves the file; faster only where the CPU has fp16 kernels. @default "float32"
   */
  precision?: "float32" | "float16";
}

/** The eval-mode inference graph of a model with weights as initializers, as ONNX bytes. */
export function inferenceOnnxBytes<M extends Module>(model: M, options: ExportOptions<M>): Uint8Array {
  const half = options.precision === "float16";
  const g = model.bind(new Graph({ params: "initializers", training: false, name: "inference", paramDtype: half ? "float16" : "float32" }));
  const xs = options.inputs.map((i) => {
    const x = g.input(i.name, i.shape, i.dtype ?? "float32");
    return half && x.dtype === "float32" ? cast(x, "float16") : x;
  });
  const out = options.forward(model, ...xs);
  const edge = (t: Tensor) => (t.dtype === "float16" ? cast(t, "float32") : t);
  if (out instanceof Tensor) g.output("output", edge(out));
  else for (const [name, t] of Object.entries(out as Record<string, Tensor>)) g.output(name, edge(t));
  return toOnnxBytes(g, options.metadata ? { metadata: options.metadata } : {});
}

/** Writes a model's inference graph (eval mode, weights as initializers) as a standard ONNX file, atomically. */
export async function exportOnnx<M extends Module>(model: M, path: string, options: ExportOptions<M>): Promise<void> {
  await writeFileAtomic(path, [inferenceOnnxBytes(model, options)]);
}
