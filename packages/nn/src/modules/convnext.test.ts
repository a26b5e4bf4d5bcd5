import { describe, expect, it } from "vitest";
import { grad } from "../autodiff/grad.js";
import { Graph, type Tensor } from "../graph/graph.js";
import { add, mul } from "../ops/elementwise.js";
import { reduceSum } from "../ops/reduce.js";
import { Session } from "../run/session.js";
import { Rng } from "../rng.js";
import { ConvNeXtBlock } from "./convnext.js";

/** max |a − b| relative to max |b|. */
function relErr(a: Float32Array, b: Float32Array): number {
  let [d, m] = [0, 0];
  for (let i = 0; i < b.length; i++) {
    d = Math.max(d, Math.abs((a[i] as number) - (b[i] as number)));
    m = Math.max(m, Math.abs(b[i] as number));
  }
  return a.length === b.length ? d / m : Number.POSITIVE_INFINITY;
}

/** Output and gradients (input, every parameter) of Σ y·R for the block's fast forward, or torchvision's layer by layer. */
async function blockGrads(blk: ConvNeXtBlock, shape: [number, number, number, number], asTorchvision: boolean) {
  const g = new Graph();
  g.bindParameters(blk.namedParameters());
  const x = g.input("x", shape);
  const y = asTorchvision ? add(mul(g.param(blk.layer_scale), blk.block.forward(x)), x) : blk.forward(x);
  const r = g.input("r", shape);
  const params = [...blk.namedParameters()];
  const grads = grad(reduceSum(mul(y, r), [0, 1, 2, 3]), [x, ...params.map(([, p]) => g.param(p))]) as Tensor[];
  g.output("y", y);
  grads.forEach((t, i) => g.output(`g${i}`, t));
  const n = shape.reduce((a, b) => a * b, 1);
  const data = (seed: number) => {
    const s = new Rng(seed);
    return Float32Array.from({ length: n }, () => s.normal());
  };
  const session = await Session.create(g, { intraOpThreads: 1 });
  const out = await session.run({ x: { data: data(1), dims: shape }, r: { data: data(2), dims: shape } });
  await session.release();
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, v.data as Float32Array]));
}

describe("ConvNeXtBlock's fast forward (GEMM depthwise forms, bias column, folded layer scale)", () => {
  it("equals torchvision's layer-by-layer block and its gradient rules on 56×56 planes with ≥ 8,192 rows (rel 1e-5)", async () => {
    const rng = new Rng(5);
    const blk = new ConvNeXtBlock(4, { rng, layerScale: 0.5 });
    // non-zero biases and norms so that every path (bias column included) carries a gradient
    for (const [, p] of blk.namedParameters()) for (let i = 0; i < p.data.length; i++) p.data[i] = (p.data[i] as number) + 0.2 * rng.normal();
    const shape: [number, number, number, number] = [3, 4, 56, 56]; // 9,408 rows: bias column, rows form in chunks
    const [fast, reference] = [await blockGrads(blk, shape, false), await blockGrads(blk, shape, true)];
    for (const name of Object.keys(reference)) expect(relErr(fast[name] as Float32Array, reference[name] as Float32Array), name).toBeLessThan(1e-5);
  });
});
