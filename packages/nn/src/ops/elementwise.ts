import { ShapeError } from "../errors.js";
import type { Tensor } from "../graph/graph.js";
import { attr, broadcastShapes } from "../graph/shape.js";
import { type DType, isFloat, ONNX_DTYPE } from "../graph/types.js";

/** A tensor or a number (turned into a scalar constant of the other operand's dtype). */
export type TensorLike = Tensor | number;

function lift(op: string, a: TensorLike, b: TensorLike): [Tensor, Tensor] {
  if (typeof a === "number" && typeof b === "number") throw new TypeError(`${op}: at least one operand must be a Tensor`);
  const ta = typeof a === "number" ? (b as Tensor).graph.scalar(a, (b as Tensor).dtype) : a;
  const tb = typeof b === "number" ? ta.graph.scalar(b, ta.dtype) : b;
  if (ta.dtype !== tb.dtype) throw new ShapeError(op, [ta.shape, tb.shape], `dtype ${ta.dtype} vs ${tb.dtype}`);
  return [ta, tb];
}

function binary(op: string, a: TensorLike, b: TensorLike, outDtype?: DType): Tensor {
  const [ta, tb] = lift(op, a, b);
  const shape = broadcastShapes(op, [ta.shape, tb.shape]);
  return ta.graph.addNode(op, [ta, tb], [{ dtype: outDtype ?? ta.dtype, shape }])[0] as Tensor;
}

function unary(op: string, x: Tensor, attrs = {}): Tensor {
  if (!isFloat(x.dtype) && op !== "Neg") throw new ShapeError(op, [x.shape], `needs a float tensor, got ${x.dtype}`);
  return x.graph.addNode(op, [x], [{ dtype: x.dtype, shape: x.shape }], attrs)[0] as Tensor;
}

/** a + b with broadcasting. */
export const add = (a: TensorLike, b: TensorLike): Tensor => binary("Add", a, b);
/** a − b with broadcasting. */
export const sub = (a: TensorLike, b: TensorLike): Tensor => binary("Sub", a, b);
/** a · b (element-wise) with broadcasting. */
export const mul = (a: TensorLike, b: TensorLike): Tensor => binary("Mul", a, b);
/** a / b with broadcasting. */
export const div = (a: TensorLike, b: TensorLike): Tensor => binary("Div", a, b);
/** a ^ b with broadcasting. */
export const pow = (a: TensorLike, b: TensorLike): Tensor => binary("Pow", a, b);
/** a == b, as bool. */
export const equal = (a: TensorLike, b: TensorLike): Tensor => binary("Equal", a, b, "bool");
/** a < b, as bool. */
export const less = (a: TensorLike, b: TensorLike): Tensor => binary("Less", a, b, "bool");
/** a > b, as bool. */
export const greater = (a: TensorLike, b: TensorLike): Tensor => binary("Greater", a, b, "bool");

/** −x. */
export const neg = (x: Tensor): Tensor => unary("Neg", x);
/** eˣ. */
export const exp = (x: Tensor): Tensor => unary("Exp", x);
/** Natural log. */
export const log = (x: Tensor): Tensor => unary("Log", x);
/** √x. */
export const sqrt = (x: Tensor): Tensor => unary("Sqrt", x);
/** Gauss error function. */
export const erf = (x: Tensor): Tensor => unary("Erf", x);
/** tanh x. */
export const tanh = (x: Tensor): Tensor => unary("Tanh", x);
/** 1 / (1 + e⁻ˣ). */
export const sigmoid = (x: Tensor): Tensor => unary("Sigmoid", x);
/** max(x, 0). */
export const relu = (x: Tensor): Tensor => unary("Relu", x);
/** |x|. */
export const abs = (x: Tensor): Tensor => unary("Abs", x);
/** Exact (erf) GELU, the PyTorch default: the native ONNX Gelu op (opset 20). */
export const gelu = (x: Tensor): Tensor => unary("Gelu", x, { approximate: attr.string("none") });
/** Passes x through unchanged (a new name). */
export const identity = (x: Tensor): Tensor => x.graph.addNode("Identity", [x], [{ dtype: x.dtype, shape: x.shape }])[0] as Tensor;

/** Logical not of a bool tensor. */
export function not(x: Tensor): Tensor {
  if (x.dtype !== "bool") throw new ShapeError("Not", [x.shape], `needs bool, got ${x.dtype}`);
  return x.graph.addNode("Not", [x], [{ dtype: "bool", shape: x.shape }])[0] as Tensor;
}

/** Element-wise select: `cond ? a : b`, broadcasting all three. */
export function where(cond: Tensor, a: TensorLike, b: TensorLike): Tensor {
  if (cond.dtype !== "bool") throw new ShapeError("Where", [cond.shape], `condition must be bool, got ${cond.dtype}`);
  const [ta, tb] = lift("Where", a, b);
  const shape = broadcastShapes("Where", [cond.shape, ta.shape, tb.shape]);
  return cond.graph.addNode("Where", [cond, ta, tb], [{ dtype: ta.dtype, shape }])[0] as Tensor;
}

/** Converts x to another dtype. */
export function cast(x: Tensor, to: DType): Tensor {
  if (x.dtype === to) return x;
  return x.graph.addNode("Cast", [x], [{ dtype: to, shape: x.shape }], { to: attr.int(ONNX_DTYPE[to]) })[0] as Tensor;
}

