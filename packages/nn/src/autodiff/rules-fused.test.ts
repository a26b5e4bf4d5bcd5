import { describe, expect, it } from "vitest";
import { Graph, type Tensor } from "../graph/graph.js";
import { mul } from "../ops/elementwise.js";
import { matmul } from "../ops/linalg.js";
import { dropout, softmax } from "../ops/nn-ops.js";
import { reduceSum } from "../ops/reduce.js";
import { liveNodes } from "../onnx/emit.js";
import { Session } from "../run/session.js";
import { Rng } from "../rng.js";
import { grad } from "./grad.js";

const rng = new Rng(21);
const rand = (n: number) => Float32Array.from({ length: n }, () => rng.normal());

describe("fused chain rules: fewer passes over the big tensors", () => {
  it("Softmax → fed-mask dropout → ·V: Σ(G·A) comes from dO·O (no reduction over [T, S]); dL/dx matches G·A − P·Σ(G·A) to 1e-5", async () => {
    const [T, S, h, p] = [7, 50, 3, 0.3];
    const g = new Graph({ training: true, seed: 4, dropoutMasks: "inputs" });
    const x = g.input("x", [T, S]);
    const v = g.input("v", [S, h]);
    const a = dropout(softmax(x, -1), p);
    const o = matmul(a, v);
    const r = rand(T * h);
    const [gx] = grad(reduceSum(mul(o, g.constant(r, [T, h], "float32")), [0, 1]), [x]);
    g.output("gx", gx as Tensor);
    g.output("a", a);
    const live = liveNodes(g);
    const bigReductions = live.filter((n) => n.op === "ReduceSum" && n.inputs[0]?.shape.join() === [T, S].join());
    expect(bigReductions).toHaveLength(0);
    const rowDots = live.filter((n) => n.op === "ReduceSum" && n.outputs[0]?.shape.join() === [T, 1].join());
    expect(rowDots.map((n) => n.inputs[0]?.shape)).toEqual([[T, h]]);

    const [xs, vs] = [rand(T * S), rand(S * h)];
    const out = await (await Session.create(g, { intraOpThreads: 1 })).run({ x: { data: xs, dims: [T, S] }, v: { data: vs, dims: [S, h] } });
    const [av, gv] = [out.a?.data as Float32Array, out.gx?.data as Float32Array];
    let worst = 0;
    for (let i = 0; i < T; i++) {
      let max = -Infinity;
      for (let j = 0; j < S; j++) max = Math.max(max, xs[i * S + j] as number);
      let z = 0;
      for (let j = 0; j < S; j++) z += Math.exp((xs[i * S + j] as number) - max);
      const G = (j: number) => { let s = 0; for (let k = 0; k < h; k++) s += (r[i * h + k] as number) * (vs[j * h + k] as number); return s; };
      let dot = 0;
      for (let j = 0; j < S; j++) dot += G(j) * (av[i * S + j] as number);
      for (let j = 0; j < S; j++) {
        const P = Math.exp((xs[i * S + j] as number) - max) / z;
        const want = G(j) * (av[i * S + j] as number) - P * dot;
        worst = Math.max(worst, Math.abs((gv[i * S + j] as number) - want) / (Math.abs(want) + 1e-3));
      }
    }
    expect(worst).toBeLessThan(1e-5);
  });
});
