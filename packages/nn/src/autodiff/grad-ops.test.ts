import { describe, expect, it } from "vitest";
import { gradCheck, type CheckInput } from "../../test/gradcheck.js";
import { Graph, type Tensor } from "../graph/graph.js";
import { Session } from "../run/session.js";
import { grad } from "./grad.js";
import * as E from "../ops/elementwise.js";
import { gemm, matmul } from "../ops/linalg.js";
import { conv2d, layerNorm, logSoftmax, softmax } from "../ops/nn-ops.js";
import { reduceMax, reduceMean, reduceSum } from "../ops/reduce.js";
import * as S from "../ops/shape-ops.js";
import { gatherElements, l2Normalize, maximum, stopGradient, topK } from "../ops/select.js";

type Case = [string, CheckInput[], (g: Graph, x: Tensor[]) => Tensor];
const I = (name: string, shape: number[], extra: Partial<CheckInput> = {}): CheckInput => ({ name, shape, ...extra });
const t = (x: Tensor[], i: number) => x[i] as Tensor;

/** Ops onnxruntime runs in float64: checked against central differences with h = 1e-6, rel. error < 1e-5. */
const float64Cases: Case[] = [
  ["Add (broadcast [2,3,4]+[3,1])", [I("a", [2, 3, 4]), I("b", [3, 1])], (_g, x) => E.add(t(x, 0), t(x, 1))],
  ["Sub (broadcast [4]-[2,3,4])", [I("a", [4]), I("b", [2, 3, 4])], (_g, x) => E.sub(t(x, 0), t(x, 1))],
  ["Mul (broadcast [2,1,4]*[3,1])", [I("a", [2, 1, 4]), I("b", [3, 1])], (_g, x) => E.mul(t(x, 0), t(x, 1))],
  ["Div (broadcast [2,3]/[3])", [I("a", [2, 3]), I("b", [3], { positive: true })], (_g, x) => E.div(t(x, 0), t(x, 1))],
  ["Mul (same tensor twice: x·x)", [I("a", [3, 4])], (_g, x) => E.mul(t(x, 0), t(x, 0))],
  ["Neg", [I("a", [3, 4])], (_g, x) => E.neg(t(x, 0))],
  ["Exp", [I("a", [3, 4])], (_g, x) => E.exp(t(x, 0))],
  ["Log", [I("a", [3, 4], { positive: true })], (_g, x) => E.log(t(x, 0))],
  ["Sqrt", [I("a", [3, 4], { positive: true })], (_g, x) => E.sqrt(t(x, 0))],
  ["Pow (both operands, broadcast)", [I("a", [3, 4], { positive: true }), I("b", [4])], (_g, x) => E.pow(t(x, 0), t(x, 1))],
  ["Pow (constant exponent)", [I("a", [3, 4], { positive: true })], (_g, x) => E.pow(t(x, 0), 3)],
  ["Tanh", [I("a", [3, 4])], (_g, x) => E.tanh(t(x, 0))],
  ["Sigmoid", [I("a", [3, 4])], (_g, x) => E.sigmoid(t(x, 0))],
  ["Relu", [I("a", [3, 4])], (_g, x) => E.relu(t(x, 0))],
  ["Abs", [I("a", [3, 4])], (_g, x) => E.abs(t(x, 0))],
  ["Softmax (axis 1)", [I("a", [2, 5, 3])], (_g, x) => softmax(t(x, 0), 1)],
  ["LogSoftmax", [I("a", [2, 5])], (_g, x) => logSoftmax(t(x, 0), -1)],
  ["LayerNormalization", [I("x", [2, 3, 5]), I("s", [5]), I("b", [5])], (_g, x) => layerNorm(t(x, 0), t(x, 1), t(x, 2))],
  ["ReduceSum (axes 0,2)", [I("a", [2, 3, 4])], (_g, x) => reduceSum(t(x, 0), [0, 2])],
  ["ReduceMean (keepdims)", [I("a", [2, 3, 4])], (_g, x) => reduceMean(t(x, 0), [1], true)],
  ["ReduceMax", [I("a", [2, 3, 4])], (_g, x) => reduceMax(t(x, 0), [1])],
  ["MatMul (batched, broadcast B)", [I("a", [2, 3, 4]), I("b", [4, 5])], (_g, x) => matmul(t(x, 0), t(x, 1))],
  ["MatMul (batched, broadcast B, K > N)", [I("a", [2, 3, 5]), I("b", [5, 4])], (_g, x) => matmul(t(x, 0), t(x, 1))],
  ["MatMul (batched, B = wᵀ, out <= in)", [I("a", [2, 3, 4]), I("w", [3, 4])], (_g, x) => matmul(t(x, 0), S.transpose(t(x, 1), [1, 0]))],
  ["MatMul (batched, B = wᵀ, out > in)", [I("a", [2, 3, 4]), I("w", [5, 4])], (_g, x) => matmul(t(x, 0), S.transpose(t(x, 1), [1, 0]))],
  ["MatMul (batched, B = kᵀ by a last-two-axes swap: dk = gyᵀ·a)", [I("a", [2, 2, 3, 4]), I("k", [2, 2, 5, 4])], (_g, x) => matmul(t(x, 0), S.transpose(t(x, 1), [0, 1, 3, 2]))],
  ["MatMul (batched, B = swap of a transposed source)", [I("a", [2, 3, 4]), I("k", [5, 2, 4])], (_g, x) => matmul(t(x, 0), S.transpose(S.transpose(t(x, 1), [1, 0, 2]), [0, 2, 1]))],
  ["MatMul (batch broadcast both)", [I("a", [2, 1, 3, 4]), I("b", [3, 4, 2])], (_g, x) => matmul(t(x, 0), t(x, 1))],
  ["Gemm (transA, transB, C [N])", [I("a", [4, 3]), I("b", [5, 4]), I("c", [5])], (_g, x) => gemm(t(x, 0), t(x, 1), t(x, 2), { transA: true, transB: true, alpha: 0.7, beta: 1.3 })],
  ["Gemm (plain, C [M,1])", [I("a", [3, 4]), I("b", [4, 5]), I("c", [3, 1])], (_g, x) => gemm(t(x, 0), t(x, 1), t(x, 2))],
  ["Reshape", [I("a", [2, 3, 4])], (_g, x) => S.reshape(t(x, 0), [0, -1, 2])],
  ["Transpose", [I("a", [2, 3, 4])], (_g, x) => S.transpose(t(x, 0), [2, 0, 1])],
  ["Concat (axis 1)", [I("a", [2, 3]), I("b", [2, 2])], (_g, x) => S.concat([t(x, 0), t(x, 1)], 1)],
  ["Split", [I("a", [2, 6])], (_g, x) => { const [p, q] = S.split(t(x, 0), [2, 4], 1); return E.add(E.mul(S.slice(q as Tensor, [0], [2], [1]), p as Tensor), 0); }],
  ["Slice", [I("a", [4, 5])], (_g, x) => S.slice(t(x, 0), [1, -4], [3, 4], [0, 1])],
  ["Gather (axis 0, repeated indices)", [I("a", [5, 3]), I("i", [2, 3], { dtype: "int64", data: [0, 4, 0, 2, 2, 1], constant: true })], (_g, x) => S.gather(t(x, 0), t(x, 1), 0)],
  ["Gather (axis 1)", [I("a", [2, 5, 3]), I("i", [4], { dtype: "int64", data: [4, 1, 1, 0], constant: true })], (_g, x) => S.gather(t(x, 0), t(x, 1), 1)],
  ["Where (broadcast)", [I("c", [3, 1], { dtype: "bool", data: [1, 0, 1], constant: true }), I("a", [3, 4]), I("b", [4])], (_g, x) => E.where(t(x, 0), t(x, 1), t(x, 2))],
  ["Unsqueeze/Squeeze", [I("a", [3, 4])], (_g, x) => S.squeeze(E.exp(S.unsqueeze(t(x, 0), [0, 2])), [0])],
  ["Expand", [I("a", [3, 1]), I("b", [2, 3, 4])], (_g, x) => E.mul(S.expandAs(t(x, 0), t(x, 1)), t(x, 1))],
  ["TopK (values, axis 1)", [I("a", [2, 6, 3])], (_g, x) => topK(t(x, 0), 3, 1).values],
  ["GatherElements (repeated indices)", [I("a", [2, 4]), I("i", [2, 3], { dtype: "int64", data: [0, 3, 3, 1, 1, 2], constant: true })], (_g, x) => gatherElements(t(x, 0), t(x, 1), 1)],
  ["TopK (runtime k)", [I("a", [2, 6]), I("k", [1], { dtype: "int64", data: [4], constant: true })], (_g, x) => S.reshape(topK(t(x, 0), t(x, 1), 1).values, [2, 4])],
  ["l2Normalize (Max with eps, Sqrt, ReduceSum, Div)", [I("a", [3, 5])], (_g, x) => l2Normalize(t(x, 0), -1)],
  ["Max (broadcast)", [I("a", [3, 4]), I("b", [4])], (_g, x) => maximum(t(x, 0), t(x, 1))],
];

/** Ops onnxruntime runs in float32 only: h = 1e-2, rel. error < 1e-2. */
const float32Cases: Case[] = [
  ["Erf", [I("a", [3, 4])], (_g, x) => E.erf(t(x, 0))],
  ["Cast (float32 → float64 → float32)", [I("a", [3, 4])], (_g, x) => E.cast(E.mul(E.cast(t(x, 0), "float64"), 2), "float32")],
  ["Gelu", [I("a", [3, 4])], (_g, x) => E.gelu(t(x, 0))],
  ["Conv (stride 2, pad 1, bias)", [I("x", [2, 3, 7, 7]), I("w", [4, 3, 3, 3]), I("b", [4])], (_g, x) => conv2d(t(x, 0), t(x, 1), t(x, 2), { strides: [2, 2], padding: [1, 1] })],
  ["Conv (depthwise 7×7, pad 3)", [I("x", [2, 4, 6, 6]), I("w", [4, 1, 7, 7]), I("b", [4])], (_g, x) => conv2d(t(x, 0), t(x, 1), t(x, 2), { padding: [3, 3], groups: 4 })],
  ["Conv (groups 2, dilation 2)", [I("x", [1, 4, 8, 8]), I("w", [6, 2, 3, 3])], (_g, x) => conv2d(t(x, 0), t(x, 1), null, { groups: 2, dilations: [2, 2] })],
  ["Conv (patchify 4×4 stride 4)", [I("x", [2, 3, 8, 8]), I("w", [5, 3, 4, 4]), I("b", [5])], (_g, x) => conv2d(t(x, 0), t(x, 1), t(x, 2), { strides: [4, 4] })],
];

describe("stopGradient", () => {
  it("d/dx Σ x·stop(x) is x, not 2x", async () => {
    const g = new Graph();
    const x = g.input("x", [3]);
    const [gx] = grad(reduceSum(E.mul(x, stopGradient(x)), [0]), [x]);
    g.output("gx", gx as Tensor);
    const r = await (await Session.create(g)).run({ x: { data: Float32Array.from([1, -2, 3]), dims: [3] } });
    expect([...(r.gx?.data as Float32Array)]).toEqual([1, -2, 3]);
  });
});

describe("gradients with symbolic (per-run) dims", () => {
  it("Concat over [2, T1] and [2, T2], ReduceMean over T, Reshape with 0: match closed forms", async () => {
    const g = new Graph();
    const a = g.input("a", [2, "T1"], "float64");
    const b = g.input("b", [2, "T2"], "float64");
    const y = S.concat([a, b], 1); // [2, T1+T2]
    // loss = Σ exp(y) + Σ_rows mean_T(y²)
    const loss = E.add(reduceSum(E.exp(y), [0, 1]), reduceSum(reduceMean(E.mul(S.reshape(y, [0, -1]), y), [1]), [0]));
    const [ga, gb] = grad(loss, [a, b]);
    g.output("ga", ga as Tensor);
    g.output("gb", gb as Tensor);
    const s = await Session.create(g);
    const av = [0.1, -0.2, 0.3, 0.4, 0.5, -0.6];
    const bv = [1, -1, 0.5, 0.25];
    const r = await s.run({ a: { data: Float64Array.from(av), dims: [2, 3] }, b: { data: Float64Array.from(bv), dims: [2, 2] } });
    const expected = (v: number) => Math.exp(v) + (2 * v) / 5;
    (r.ga?.data as Float64Array).forEach((v, i) => expect(v).toBeCloseTo(expected(av[i] as number), 12));
    (r.gb?.data as Float64Array).forEach((v, i) => expect(v).toBeCloseTo(expected(bv[i] as number), 12));
  });
});

describe("gradients of every differentiated op vs central finite differences", () => {
  for (const [name, inputs, build] of float64Cases) {
    it(`${name} (float64, rel err < 1e-5)`, async () => {
      const r = await gradCheck(inputs, build, { dtype: "float64" });
      expect(r.worst, r.details.join("\n")).toBeLessThan(1e-5);
    });
  }
  for (const [name, inputs, build] of float32Cases) {
    it(`${name} (float32, rel err < 1e-2)`, async () => {
      const r = await gradCheck(inputs, build, { dtype: "float32" });
      expect(r.worst, r.details.join("\n")).toBeLessThan(1e-2);
    });
  }
});
