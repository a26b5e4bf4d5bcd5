import { ShapeError } from "../errors.js";
import type { Node, Tensor } from "../graph/graph.js";
import { attr, dimsCompatible, normAxis } from "../graph/shape.js";
import { cast, mul } from "./elementwise.js";
import type { Dim } from "../graph/types.js";

/** Softmax along one axis (ONNX opset ≥ 13 semantics). */
export function softmax(x: Tensor, axis = -1): Tensor {
  const a = normAxis("Softmax", axis, x.rank, [x.shape]);
  return x.graph.addNode("Softmax", [x], [{ dtype: x.dtype, shape: x.shape }], { axis: attr.int(a) })[0] as Tensor;
}

/** log(softmax(x)) along one axis, computed stably. */
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  const a = normAxis("LogSoftmax", axis, x.rank, [x.shape]);
  return x.graph.addNode("LogSoftmax", [x], [{ dtype: x.dtype, shape: x.shape }], { axis: attr.int(a) })[0] as Tensor;
}

/** Native ONNX LayerNormalization over the last axis: (x − mean)/√(var + eps)·scale + bias. */
export function layerNorm(x: Tensor, scale: Tensor, bias: Tensor | null, eps = 1e-5): Tensor {
  const d = x.shape[x.rank - 1] as Dim;
  const shapes = bias ? [x.shape, scale.shape, bias.shape] : [x.shape, scale.shape];
  if (scale.rank !== 1 || !dimsCompatible(scale.shape[0] as Dim, d)) throw new ShapeError("LayerNormalization", shapes, `scale must be [${d}]`);
  if (bias && (bias.rank !== 1 || !dimsCompatible(bias.shape[0] as Dim, d))) throw new ShapeError("LayerNormalization", shapes, `bias must be [${d}]`);
  const attrs = { axis: attr.int(-1), epsilon: attr.float(eps) };
  return x.graph.addNode("LayerNormalization", bias ? [x, scale, bias] : [x, scale], [{ dtype: x.dtype, shape: x.shape }], attrs)[0] as Tensor;
}

/** Options of {@link conv2d}. */
export interface Conv2dOptions {
  /** @default [1, 1] */
  strides?: readonly [number, number];
  /** Symmetric padding [padH, padW]. @default [0, 0] */
  padding?: readonly [number, number];
  /** @default [1, 1] */
  dilations?: readonly [number, number];
  /** Channel groups (input channels for depthwise). @default 1 */
  groups?: number;
}

/** 2-D convolution, NCHW input, weight [out, in/groups, kH, kW] (ONNX Conv, PyTorch Conv2d layout). */
export function conv2d(x: Tensor, w: Tensor, b: Tensor | null, options: Conv2dOptions = {}): Tensor {
  const { strides = [1, 1], padding = [0, 0], dilations = [1, 1], groups = 1 } = options;
  const shapes = b ? [x.shape, w.shape, b.shape] : [x.shape, w.shape];
  if (x.rank !== 4 || w.rank !== 4) throw new ShapeError("Conv", shapes, "input and weight must be 4-D (NCHW, OIHW)");
  const cin = x.shape[1] as Dim;
  const [cout, cinPerGroup, kh, kw] = w.shape as number[];
  if (typeof cin === "number" && cin !== (cinPerGroup as number) * groups) {
    throw new ShapeError("Conv", shapes, `input has ${cin} channels, weight expects ${cinPerGroup}×${groups} groups`);
  }
  if ((cout as number) % groups !== 0) throw new ShapeError("Conv", shapes, `${cout} output channels not divisible by ${groups} groups`);
  if (b && (b.rank !== 1 || b.shape[0] !== cout)) throw new ShapeError("Conv", shapes, `bias must be [${cout}]`);
  const spatial = [2, 3].map((ax, i) => {
    const d = x.shape[ax] as Dim;
    if (typeof d !== "number") return d;
    const k = ((i === 0 ? kh : kw) as number - 1) * (dilations[i] as number) + 1;
    const o = Math.floor((d + 2 * (padding[i] as number) - k) / (strides[i] as number)) + 1;
    if (o <= 0) throw new ShapeError("Conv", shapes, `kernel larger than padded input on axis ${ax}`);
    return o;
  });
  const attrs = {
    strides: attr.ints(strides),
    pads: attr.ints([padding[0], padding[1], padding[0], padding[1]]),
    dilations: attr.ints(dilations),
    group: attr.int(groups),
    kernel_shape: attr.ints([kh as number, kw as number]),
  };
  const shape = [x.shape[0] as Dim, cout as number, ...spatial];
  return x.graph.addNode("Conv", b ? [x, w, b] : [x, w], [{ dtype: x.dtype, shape }], attrs)[0] as Tensor;
}

/**
 * Inverted dropout with keep-probability 1 − p: active only when the graph is in training mode,
 * otherwise returns x. Seeded per op from the graph seed, so a session replays the same masks.
 */
export function dropout(x: Tensor, p: number): Tensor {
  const g = x.graph;
  if (!dropoutActive(x, p)) return x;
  const seed = g.seed + g.randomOps++;
  if (masksFed(x)) {
    // keep-mask (uint8 0/1) fed by the Session: y = x·dequantize(mask, s) with s = 1/(1 − p); a
    // DequantizeLinear and a Mul run several times faster in onnxruntime than a Where or its Dropout op
    const mask = g.maskInput(x.shape, p, seed);
    const keep = g.addNode("DequantizeLinear", [mask, g.scalar(1 / (1 - p), x.dtype), g.scalar(0, "uint8")], [{ dtype: x.dtype, shape: x.shape }])[0] as Tensor;
    return mul(x, keep);
  }
  const ratio = g.scalar(p, x.dtype);
  const on = g.constant(Uint8Array.of(1), [], "bool", "training_mode");
  const outs = g.addNode("Dropout", [x, ratio, on], [
    { dtype: x.dtype, shape: x.shape },
    { dtype: "bool", shape: x.shape },
  ], { seed: attr.int(seed) });
  keepMaskRead(outs[1] as Tensor);
  return outs[0] as Tensor;
}

/**
 * Dropout without its 1/(1 − p) scale: returns y = x·m with m the 0/1 keep-mask and `scale` = 1/(1 − p),
 * which the caller applies where it is cheap (e.g. to the small operand of a product that reads y, as
 * attention does with its values); y = x and scale 1 when inactive. Fed masks are float16 0/1 applied
 * through a Cast (multi-threaded in onnxruntime, ≈ 1.8× faster in the bench step than the uint8 mask's DequantizeLinear
 * on [2, 1600, 1600]). With onnxruntime's Dropout op (`dropoutMasks: "onnx"`) y is already scaled (scale 1).
 * The same draws as {@link dropout} with the same seed.
 */
export function dropoutUnscaled(x: Tensor, p: number): { y: Tensor; scale: number } {
  const g = x.graph;
  if (!dropoutActive(x, p) || !masksFed(x)) return { y: dropout(x, p), scale: 1 };
  const mask = g.maskInput(x.shape, p, g.seed + g.randomOps++, "float16");
  return { y: mul(x, cast(mask, x.dtype)), scale: 1 / (1 - p) };
}

/** True when a dropout of x draws a mask (training graph, p > 0); p ≥ 1 is an error. */
function dropoutActive(x: Tensor, p: number): boolean {
  if (!x.graph.training || p <= 0) return false;
  if (p >= 1) throw new RangeError(`dropout: p must be < 1, got ${p}`);
  return true;
}

/** True when x's keep-mask is a graph input the Session fills (`dropoutMasks: "inputs"`, dims known at run time). */
function masksFed(x: Tensor): boolean {
  return x.graph.dropoutMasks === "inputs" && dimsKnownAtRun(x);
}

/** True when every symbolic dim of x is a dim of a graph input (so a Session can size its mask). */
function dimsKnownAtRun(x: Tensor): boolean {
  const named = new Set(x.graph.inputs.flatMap((t) => t.shape.filter((d) => typeof d === "string")));
  return x.shape.every((d) => typeof d === "number" || named.has(d));
}

/**
 * onnxruntime's inference build deletes a Dropout node whose mask output nothing reads, even in
 * training mode (dropout silently off, e.g. when no gradient needs the mask). A one-element slice
 * of the mask, emitted whenever the Dropout is, keeps it: `mask` is a Dropout's second output.
 */
export function keepMaskRead(mask: Tensor): void {
  const g = mask.graph;
  const r = mask.rank;
  const [first] = g.addNode("Slice", [mask, g.int64s(new Array(r).fill(0)), g.int64s(new Array(r).fill(1))], [{ dtype: "bool", shape: new Array(r).fill(1) }]);
  g.keepAlive.add((first as Tensor).producer as Node);
}
