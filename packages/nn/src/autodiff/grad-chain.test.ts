import { describe, expect, it } from "vitest";
import { Graph, type Tensor } from "../graph/graph.js";
import { Linear } from "../modules/linear.js";
import { mul, relu } from "../ops/elementwise.js";
import { dropout, softmax } from "../ops/nn-ops.js";
import { reduceSum } from "../ops/reduce.js";
import { transpose } from "../ops/shape-ops.js";
import { liveNodes } from "../onnx/emit.js";
import { Session } from "../run/session.js";
import { Rng } from "../rng.js";
import { grad } from "./grad.js";

const rng = new Rng(5);
const rand = (n: number) => Float32Array.from({ length: n }, () => rng.normal());

/** Runs y = chain(x) in a training graph with loss Σ y·R; returns x, y, R and dL/dx, and the graph. */
async function runChain(rows: number, cols: number, chain: (x: Tensor) => Tensor, dropoutMasks: "onnx" | "inputs" = "onnx") {
  const g = new Graph({ training: true, seed: 9, dropoutMasks });
  const x = g.input("x", [rows, cols]);
  const y = chain(x);
  const r = rand(rows * cols);
  const [gx] = grad(reduceSum(mul(y, g.constant(r, [rows, cols], "float32")), [0, 1]), [x]);
  g.output("gx", gx as Tensor);
  g.output("y", y);
  const xs = rand(rows * cols);
  const out = await (await Session.create(g, { intraOpThreads: 1 })).run({ x: { data: xs, dims: [rows, cols] } });
  return { g, y, xs, r, yv: out.y?.data as Float32Array, gv: out.gx?.data as Float32Array };
}

/** Readers of the Dropout mask besides the keep-alive slice (a chain rule reads none). */
function maskReaders(g: Graph, y: Tensor): number {
  const mask = y.producer?.outputs[1];
  return g.nodes.filter((n) => mask && n.inputs.includes(mask) && !g.keepAlive.has(n)).length;
}

/** Readers of a fed mask's dequantized 0/s values (the forward product only, when a chain rule is used). */
function fedMaskReaders(g: Graph): number {
  const casts = g.nodes.filter((n) => n.op === "DequantizeLinear" && n.inputs[0] && g.maskInputs.has(n.inputs[0])).flatMap((n) => n.outputs);
  expect(casts).toHaveLength(1);
  return g.nodes.filter((n) => n.inputs.some((t) => t && casts.includes(t))).length;
}

describe("chain gradient rules (dropout active, against closed forms from the run's own outputs)", () => {
  it.each(["onnx", "inputs"] as const)("Softmax → Dropout (%s masks): dL/dx = G·A − P·Σ(G·A), without reading the mask", async (mode) => {
    const [rows, cols, p] = [6, 40, 0.3];
    const { g, y, xs, r, yv, gv } = await runChain(rows, cols, (x) => dropout(softmax(x, -1), p), mode);
    expect(mode === "onnx" ? maskReaders(g, y) : fedMaskReaders(g) - 1).toBe(0);
    let dropped = 0;
    for (let i = 0; i < rows; i++) {
      const row = Array.from(xs.subarray(i * cols, (i + 1) * cols));
      const m = Math.max(...row);
      const e = row.map((v) => Math.exp(v - m));
      const z = e.reduce((a, b) => a + b, 0);
      const P = e.map((v) => v / z);
      let s = 0;
      for (let j = 0; j < cols; j++) s += (r[i * cols + j] as number) * (yv[i * cols + j] as number);
      for (let j = 0; j < cols; j++) {
        const k = i * cols + j;
        const a = yv[k] as number;
        if (a === 0) dropped++;
        else expect(a).toBeCloseTo((P[j] as number) / (1 - p), 6);
        expect(gv[k]).toBeCloseTo((r[k] as number) * a - (P[j] as number) * s, 5);
      }
    }
    expect(dropped).toBeGreaterThan(0.15 * rows * cols);
    expect(dropped).toBeLessThan(0.45 * rows * cols);
  });

  it.each(["onnx", "inputs"] as const)("Relu → Dropout (%s masks): dL/dx = G/(1 − p) where the output is > 0, else 0", async (mode) => {
    const [rows, cols, p] = [8, 50, 0.25];
    const { g, y, xs, r, yv, gv } = await runChain(rows, cols, (x) => dropout(relu(x), p), mode);
    expect(mode === "onnx" ? maskReaders(g, y) : fedMaskReaders(g) - 1).toBe(0);
    let dropped = 0;
    let positive = 0;
    yv.forEach((v, k) => {
      const x = xs[k] as number;
      if (x > 0) positive++;
      if (x > 0 && v === 0) dropped++;
      if (v !== 0) expect(v).toBeCloseTo(x / (1 - p), 5);
      expect(gv[k]).toBeCloseTo(v > 0 ? (r[k] as number) / (1 - p) : 0, 5);
    });
    expect(dropped).toBeGreaterThan(0.1 * positive);
    expect(dropped).toBeLessThan(0.4 * positive);
  });

  it.each(["onnx", "inputs"] as const)("a link read twice falls back to the per-op rules (%s masks, exact)", async (mode) => {
    const [rows, cols, p] = [4, 30, 0.3];
    let h: Tensor | undefined;
    const { g, y, xs, r, yv, gv } = await runChain(rows, cols, (x) => {
      h = relu(x);
      return mul(dropout(h, p), h); // y = relu(x)²·m/(1−p): relu output read by Dropout and Mul
    }, mode);
    expect(mode === "onnx" ? maskReaders(g, y.producer?.inputs[0] as Tensor) : fedMaskReaders(g)).toBe(mode === "onnx" ? 1 : 2);
    expect(h).toBeDefined();
    yv.forEach((v, k) => {
      const x = xs[k] as number;
      const kept = v !== 0;
      expect(gv[k]).toBeCloseTo(kept ? (2 * x * (r[k] as number)) / (1 - p) : 0, 5);
    });
  });
});

describe("graph simplifications used by the gradient rules", () => {
  it("a transpose that undoes a transpose cancels, and unused nodes are not emitted", () => {
    const g = new Graph();
    const x = g.input("x", [2, 3, 4]);
    expect(transpose(transpose(x, [1, 0, 2]), [1, 0, 2])).toBe(x);
    expect(transpose(transpose(x, [2, 0, 1]), [1, 2, 0])).toBe(x);
    const t = transpose(transpose(x, [2, 0, 1]), [2, 0, 1]); // not an inverse: two nodes
    expect(t.producer?.inputs[0]?.producer?.inputs[0]).toBe(x);
    expect(t.shape).toEqual([3, 4, 2]);
    g.output("t", t);
    expect(liveNodes(g).map((n) => n.op)).toEqual(["Transpose", "Transpose", "Identity"]);
  });

  it("Linear weight gradient on [B, T, d] is one MatMul, no weight-sized Transpose", () => {
    const lin = new Linear(6, 5, { rng });
    const g = lin.bind(new Graph());
    const x = g.input("x", [2, 3, 6]);
    const w = g.param(lin.weight);
    const [gw] = grad(reduceSum(lin.forward(x), [0, 1, 2]), [w]);
    expect(gw?.producer?.op).toBe("MatMul");
    expect(gw?.shape).toEqual([5, 6]);
  });
});
