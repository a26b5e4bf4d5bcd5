import { fmtShape, type Shape } from "./graph/types.js";

/** A shape or dtype mismatch found while building a graph; names the op and every input shape. */
export class ShapeError extends Error {
  override readonly name = "ShapeError";
  constructor(
    /** ONNX op (or module) that rejected its inputs, e.g. `MatMul`. */
    readonly op: string,
    /** Shapes of the offending inputs, in argument order. */
    readonly shapes: readonly Shape[],
    detail: string,
  ) {
    super(`${op}: ${detail} (shapes ${shapes.map(fmtShape).join(" and ")})`);
  }
}

/** A loss (or gradient norm) that became NaN or ±Inf; thrown before the weights are touched. */
export class NonFiniteError extends Error {
  override readonly name = "NonFiniteError";
  constructor(
    /** Optimizer step (0-based) at which the value was seen. */
    readonly step: number,
    /** What was non-finite: `"loss"` or `"grad-norm"`. */
    readonly what: "loss" | "grad-norm",
    readonly value: number,
  ) {
    super(`non-finite ${what} (${value}) at step ${step}; weights were not updated`);
  }
}

/** A malformed weights file, or weights that do not fit a model; names the file and the tensor. */
export class WeightsError extends Error {
  override readonly name = "WeightsError";
  constructor(
    message: string,
    readonly path?: string,
    readonly tensor?: string,
  ) {
    super(path ? `${path}: ${message}` : message);
  }
}
