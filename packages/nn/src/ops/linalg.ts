import { ShapeError } from "../errors.js";
import type { Tensor } from "../graph/graph.js";
import { attr, broadcastShapes, dimsCompatible } from "../graph/shape.js";
import type { Dim } from "../graph/types.js";

/** Batched matrix product (ONNX MatMul, NumPy semantics); both operands have rank ≥ 2. */
export function matmul(a: Tensor, b: Tensor): Tensor {
  const shapes = [a.shape, b.shape];
  if (a.rank < 2 || b.rank < 2) throw new ShapeError("MatMul", shapes, "both operands need rank >= 2");
  if (a.dtype !== b.dtype) throw new ShapeError("MatMul", shapes, `dtype ${a.dtype} vs ${b.dtype}`);
  const k1 = a.shape[a.rank - 1] as Dim;
  const k2 = b.shape[b.rank - 2] as Dim;
  if (!dimsCompatible(k1, k2)) throw new ShapeError("MatMul", shapes, `inner dims differ (${k1} vs ${k2})`);
  const batch = broadcastShapes("MatMul", [a.shape.slice(0, -2), b.shape.slice(0, -2)]);
  const shape = [...batch, a.shape[a.rank - 2] as Dim, b.shape[b.rank - 1] as Dim];
  return a.graph.addNode("MatMul", [a, b], [{ dtype: a.dtype, shape }])[0] as Tensor;
}

/** Options of {@link gemm}. */
export interface GemmOptions {
  /** Use Aᵀ. @default false */
  transA?: boolean;
  /** Use Bᵀ. @default false */
  transB?: boolean;
  /** @default 1 */
  alpha?: number;
  /** @default 1 */
  beta?: number;
}

/** alpha·op(A)·op(B) + beta·C for 2-D A and B (ONNX Gemm); C broadcasts to [M, N]. */
export function gemm(a: Tensor, b: Tensor, c: Tensor | null = null, options: GemmOptions = {}): Tensor {
  const { transA = false, transB = false, alpha = 1, beta = 1 } = options;
  const shapes = c ? [a.shape, b.shape, c.shape] : [a.shape, b.shape];
  if (a.rank !== 2 || b.rank !== 2) throw new ShapeError("Gemm", shapes, "A and B must be 2-D");
  const [m, k1] = transA ? [a.shape[1], a.shape[0]] : [a.shape[0], a.shape[1]];
  const [k2, n] = transB ? [b.shape[1], b.shape[0]] : [b.shape[0], b.shape[1]];
  if (!dimsCompatible(k1 as Dim, k2 as Dim)) throw new ShapeError("Gemm", shapes, `inner dims differ (${k1} vs ${k2})`);
  const shape = [m as Dim, n as Dim];
  if (c) {
    const bc = broadcastShapes("Gemm", [c.shape, shape]);
    if (bc.length !== 2 || !dimsCompatible(bc[0] as Dim, m as Dim) || !dimsCompatible(bc[1] as Dim, n as Dim)) {
      throw new ShapeError("Gemm", shapes, `C does not broadcast to [${m}, ${n}]`);
    }
  }
  const attrs = { transA: attr.int(transA ? 1 : 0), transB: attr.int(transB ? 1 : 0), alpha: attr.float(alpha), beta: attr.float(beta) };
  return a.graph.addNode("Gemm", c ? [a, b, c] : [a, b], [{ dtype: a.dtype, shape }], attrs)[0] as Tensor;
}
