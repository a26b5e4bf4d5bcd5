import type { Tensor } from "../graph/graph.js";
import { matmul } from "../ops/linalg.js";
import { gather, reshape } from "../ops/shape-ops.js";

/** Output plane [Ho, Wo] of a stride-1, undilated correlation of an `h × w` plane with a `kh × kw` kernel and symmetric `pads`. */
export function depthwiseOutputSize(h: number, w: number, kh: number, kw: number, pads: readonly [number, number]): [number, number] {
  return [h + 2 * pads[0] - kh + 1, w + 2 * pads[1] - kw + 1];
}

/** A per-channel bias [C] repeated `times` times per channel: [C·times], b[c] at c·times … c·times + times − 1. */
export function repeatPerChannel(bias: Tensor, c: number, times: number): Tensor {
  return reshape(gather(reshape(bias, [c, 1]), bias.graph.int64s(new Array<number>(times).fill(0)), 1), [c * times]);
}

/**
 * A depthwise kernel w [C, 1, kh, kw] laid out by a constant 0/1 placement matrix [kh·kw, cols] (row = tap):
 * the kernel [C, kh·kw] times it, [C, cols]. Exact (one 1 per column), and faster than gathering single floats.
 */
export function placeKernel(w: Tensor, placement: Float32Array, cols: number, name: string): Tensor {
  const [c, , kh, kw] = w.shape as number[] as [number, number, number, number];
  return matmul(reshape(w, [c, kh * kw]), w.graph.constant(placement, [kh * kw, cols], "float32", name));
}
