import { describe, expect, it } from "vitest";
import { grad } from "../autodiff/grad.js";
import { Graph, type Tensor } from "../graph/graph.js";
import { mul } from "../ops/elementwise.js";
import { conv2d } from "../ops/nn-ops.js";
import { reduceSum } from "../ops/reduce.js";
import { transpose } from "../ops/shape-ops.js";
import { Session } from "../run/session.js";
import { Rng } from "../rng.js";
import { depthwiseConvSwapped, depthwiseForm } from "./depthwise-conv.js";
import { depthwiseConvRows } from "./depthwise-conv-rows.js";

interface Case {
  x: [number, number, number, number];
  k: number;
  pad: number;
}

/**
 * Output (channels last, as ConvNeXt uses it), and gradients of Σ y·R w.r.t. x, w, b, of the swapped and rows-as-channels
 * forms and of the plain depthwise Conv (its gradient rules). The upstream gradient reaches each form through a Transpose
 * of a channels-last tensor, so the bias gradients sum that tensor's leading axes (a MatMul with ones from 2,048 rows).
 */
async function forms({ x: xs, k, pad }: Case, rng: Rng) {
  const [n, c, h, w] = xs;
  const [ho, wo] = [h + 2 * pad - k + 1, w + 2 * pad - k + 1];
  const data = (len: number) => Float32Array.from({ length: len }, () => rng.normal());
  const feeds = {
    x: { data: data(n * c * h * w), dims: xs },
    w: { data: data(c * k * k), dims: [c, 1, k, k] },
    b: { data: data(c), dims: [c] },
    r: { data: data(n * c * ho * wo), dims: [n, ho, wo, c] },
  };
  const results = [];
  for (const form of ["swapped", "rows", "conv"] as const) {
    const g = new Graph();
    const [x, wt, b, r] = [g.input("x", xs), g.input("w", [c, 1, k, k]), g.input("b", [c]), g.input("r", [n, ho, wo, c])] as Tensor[] as [Tensor, Tensor, Tensor, Tensor];
    const y =
      form === "swapped"
        ? transpose(depthwiseConvSwapped(x, wt, b, [pad, pad]), [1, 2, 3, 0])
        : transpose(form === "rows" ? depthwiseConvRows(x, wt, b, [pad, pad]) : conv2d(x, wt, b, { padding: [pad, pad], groups: c }), [0, 2, 3, 1]);
    const [gx, gw, gb] = grad(reduceSum(mul(y, r), [0, 1, 2, 3]), [x, wt, b]) as [Tensor, Tensor, Tensor];
    for (const [name, t] of [["y", y], ["gx", gx], ["gw", gw], ["gb", gb]] as const) g.output(name, t);
    const session = await Session.create(g, { intraOpThreads: 1 });
    results.push(Object.fromEntries(Object.entries(await session.run(feeds)).map(([name, v]) => [name, v.data as Float32Array])));
    await session.release();
  }
  return results as [Record<string, Float32Array>, Record<string, Float32Array>, Record<string, Float32Array>];
}

/** max |a − b| relative to max |b|. */
function relErr(a: Float32Array | undefined, b: Float32Array | undefined): number {
  if (!a || !b || a.length !== b.length) return Number.POSITIVE_INFINITY;
  let [d, m] = [0, 0];
  for (let i = 0; i < a.length; i++) {
    d = Math.max(d, Math.abs((a[i] as number) - (b[i] as number)));
    m = Math.max(m, Math.abs(b[i] as number));
  }
  return d / m;
}

describe("depthwise Conv as GEMMs (image and kernel swapped; rows as channels)", () => {
  const rng = new Rng(11);
  it.each<Case>([
    { x: [3, 4, 7, 7], k: 7, pad: 3 }, // ConvNeXt's last stage (dense weight gradient)
    { x: [2, 3, 9, 9], k: 7, pad: 3 }, // weight gradient by row bands
    { x: [2, 3, 5, 6], k: 3, pad: 1 }, // non-square plane
    { x: [2, 2, 6, 5], k: 5, pad: 1 }, // output smaller than the input
    { x: [1, 3, 4, 4], k: 3, pad: 2 }, // output larger than the input
    { x: [2, 2, 2, 3], k: 7, pad: 3 }, // kernel larger than the plane (taps picked by a Gather)
    { x: [2, 3, 40, 40], k: 7, pad: 3 }, // 3,200 rows: bias gradients as MatMuls with ones
    { x: [1, 2, 56, 56], k: 7, pad: 3 }, // rows form in chunks of 14 output rows
    { x: [1, 2, 62, 30], k: 7, pad: 0 }, // chunks without padding
    { x: [1, 2, 56, 9], k: 3, pad: 1 }, // chunks with a 3×3 kernel
  ])("both equal the depthwise Conv and its gradients: x %j", async (cs) => {
    const [swapped, rows, conv] = await forms(cs, rng);
    for (const name of ["y", "gx", "gw", "gb"]) {
      expect(relErr(swapped[name], conv[name]), `swapped ${name}`).toBeLessThan(1e-5);
      expect(relErr(rows[name], conv[name]), `rows ${name}`).toBeLessThan(1e-5);
    }
  });

  it("is chosen for fed weights: swapped on 7×7 planes, rows as channels above; constant weights keep the Conv", () => {
    const g = new Graph();
    const fed = g.input("w", [8, 1, 7, 7]);
    const constant = g.constant(new Float32Array(8 * 49), [8, 1, 7, 7], "float32", "w_const");
    expect(depthwiseForm(g.input("x7", [2, 8, 7, 7]), fed, [3, 3])).toBe("swapped");
    expect(depthwiseForm(g.input("x14", [2, 8, 14, 14]), fed, [3, 3])).toBe("rows");
    expect(depthwiseForm(g.input("x56", [2, 8, 56, 56]), fed, [3, 3])).toBe("rows");
    expect(depthwiseForm(g.input("x7c", [2, 8, 7, 7]), constant, [3, 3])).toBe("conv");
    expect(depthwiseForm(g.input("xs", ["n", 8, 7, 7]), fed, [3, 3])).toBe("conv");
  });
});
