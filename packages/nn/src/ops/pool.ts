import { ShapeError } from "../errors.js";
import type { Tensor } from "../graph/graph.js";
import { cast, div, mul, not, where } from "./elementwise.js";
import { reduceMax, reduceMean, reduceSum } from "./reduce.js";
import { unsqueeze } from "./shape-ops.js";

/** Value given to padded tokens before a max-pool. */
const PAD_FOR_MAX = -3e38;

function checkMask(op: string, x: Tensor, padMask: Tensor): void {
  if (x.rank !== 3 || padMask.rank !== 2 || padMask.dtype !== "bool") {
    throw new ShapeError(op, [x.shape, padMask.shape], "needs x [batch, tokens, d] and bool padMask [batch, tokens]");
  }
}

/** Max over the non-padded tokens: x [B, T, D], padMask bool [B, T] (true = pad) → [B, D]. */
export function maskedMaxPool(x: Tensor, padMask?: Tensor): Tensor {
  if (!padMask) return reduceMax(x, [1]);
  checkMask("maskedMaxPool", x, padMask);
  return reduceMax(where(unsqueeze(padMask, [2]), PAD_FOR_MAX, x), [1]);
}

/** Mean over the non-padded tokens: x [B, T, D], padMask bool [B, T] (true = pad) → [B, D]. */
export function maskedMeanPool(x: Tensor, padMask?: Tensor): Tensor {
  if (!padMask) return reduceMean(x, [1]);
  checkMask("maskedMeanPool", x, padMask);
  const keep = cast(unsqueeze(not(padMask), [2]), x.dtype); // [B, T, 1]
  return div(reduceSum(mul(x, keep), [1]), reduceSum(keep, [1]));
}

/** Global average pool of NCHW maps → [N, C] (torchvision's AdaptiveAvgPool2d(1) + flatten). */
export function globalAvgPool(x: Tensor): Tensor {
  if (x.rank !== 4) throw new ShapeError("globalAvgPool", [x.shape], "needs [N, C, H, W]");
  return reduceMean(x, [2, 3]);
}
