import { describe, expect, it } from "vitest";
import { Graph, type Tensor } from "../graph/graph.js";
import * as E from "../ops/elementwise.js";
import { layerNorm } from "../ops/nn-ops.js";
import { reduceSum } from "../ops/reduce.js";
import { fillUniform, Rng } from "../rng.js";
import { Session } from "../run/session.js";
import { grad } from "./grad.js";

/**
 * Bias and LayerNorm scale/bias gradients sum over every row of a [rows, C] upstream gradient. From
 * 2,048 rows they run as a [1, rows]·[rows, C] MatMul with a row of ones (onnxruntime's ReduceSum over
 * leading axes is single-threaded). Both forms are checked against float64 sums in JavaScript.
 */
async function biasAndNormGrads(rows: number, c: number) {
  const rng = new Rng(7);
  const xs = fillUniform(new Float32Array(rows * c), rng, -2, 2);
  const ws = fillUniform(new Float32Array(rows * c), rng, -1, 1);
  const g = new Graph();
  const x = g.input("x", [rows / 8, 8, c]);
  const b = g.input("b", [c]);
  const s = g.input("s", [c]);
  const nb = g.input("nb", [c]);
  const w = g.constant(ws, [rows / 8, 8, c], "float32", "w");
  const loss = E.add(reduceSum(E.mul(E.add(x, b), w), [0, 1, 2]), reduceSum(E.mul(layerNorm(x, s, nb), w), [0, 1, 2]));
  const [gb, gs, gnb] = grad(loss, [b, s, nb]) as Tensor[];
  g.output("gb", gb as Tensor);
  g.output("gs", gs as Tensor);
  g.output("gnb", gnb as Tensor);
  const feeds = {
    x: { data: xs, dims: [rows / 8, 8, c] },
    b: { data: new Float32Array(c), dims: [c] },
    s: { data: new Float32Array(c).fill(1), dims: [c] },
    nb: { data: new Float32Array(c), dims: [c] },
  };
  const r = await (await Session.create(g)).run(feeds);
  // expected: Σ_rows w (bias and LayerNorm bias), Σ_rows w·x̂ (LayerNorm scale), in float64
  const colSum = new Float64Array(c);
  const scaleSum = new Float64Array(c);
  for (let i = 0; i < rows; i++) {
    let mean = 0;
    for (let j = 0; j < c; j++) mean += xs[i * c + j] as number;
    mean /= c;
    let v = 0;
    for (let j = 0; j < c; j++) v += ((xs[i * c + j] as number) - mean) ** 2;
    const inv = 1 / Math.sqrt(v / c + 1e-5);
    for (let j = 0; j < c; j++) {
      colSum[j] = (colSum[j] as number) + (ws[i * c + j] as number);
      scaleSum[j] = (scaleSum[j] as number) + (ws[i * c + j] as number) * ((xs[i * c + j] as number) - mean) * inv;
    }
  }
  const onesProducts = g.nodes.filter((n) => n.op === "MatMul" && n.inputs.some((t) => t?.name.startsWith("ones"))).length;
  return { r, colSum, scaleSum, onesProducts };
}

function expectClose(actual: Float32Array, expected: Float64Array, rel: number): void {
  const scale = Math.max(...Array.from(expected, Math.abs));
  expected.forEach((e, j) => expect(Math.abs((actual[j] as number) - e)).toBeLessThan(rel * scale));
}

describe("sums over leading axes in gradients", () => {
  it("from 2,048 rows: Add-bias and LayerNorm scale/bias gradients as products with ones, equal to float64 sums (rel 1e-5)", async () => {
    const { r, colSum, scaleSum, onesProducts } = await biasAndNormGrads(8192, 24);
    expect(onesProducts).toBe(3);
    expectClose(r.gb?.data as Float32Array, colSum, 1e-5);
    expectClose(r.gnb?.data as Float32Array, colSum, 1e-5);
    expectClose(r.gs?.data as Float32Array, scaleSum, 1e-5);
  });

  it("below 2,048 rows: ReduceSum, same sums", async () => {
    const { r, colSum, scaleSum, onesProducts } = await biasAndNormGrads(512, 24);
    expect(onesProducts).toBe(0);
    expectClose(r.gb?.data as Float32Array, colSum, 1e-5);
    expectClose(r.gs?.data as Float32Array, scaleSum, 1e-5);
  });
});
