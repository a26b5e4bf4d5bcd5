import { Graph, Tensor } from "../graph/graph.js";
import type { DType, Shape } from "../graph/types.js";
import type { Module } from "../modules/module.js";
import { toOnnxBytes } from "../onnx/emit.js";
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
}

/** The eval-mode inference graph of a model with weights as initializers, as ONNX bytes. */
export function inferenceOnnxBytes<M extends Module>(model: M, options: ExportOptions<M>): Uint8Array {
  const g = model.bind(new Graph({ params: "initializers", training: false, name: "inference" }));
  const xs = options.inputs.map((i) => g.input(i.name, i.shape, i.dtype ?? "float32"));
  const out = options.forward(model, ...xs);
  if (out instanceof Tensor) g.output("output", out);
  else for (const [name, t] of Object.entries(out as Record<string, Tensor>)) g.output(name, t);
  return toOnnxBytes(g, options.metadata ? { metadata: options.metadata } : {});
}

/** Writes a model's inference graph (eval mode, weights as initializers) as a standard ONNX file, atomically. */
export async function exportOnnx<M extends Module>(model: M, path: string, options: ExportOptions<M>): Promise<void> {
  await writeFileAtomic(path, [inferenceOnnxBytes(model, options)]);
}
