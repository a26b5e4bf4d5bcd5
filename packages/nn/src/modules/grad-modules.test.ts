import { describe, expect, it } from "vitest";
import { gradCheck } from "../../test/gradcheck.js";
import type { Tensor } from "../graph/graph.js";
import { Rng } from "../rng.js";
import { maskedMaxPool, maskedMeanPool, globalAvgPool } from "../ops/pool.js";
import { MultiheadAttention } from "./attention.js";
import { Conv2d } from "./conv.js";
import { ConvNeXtBlock } from "./convnext.js";
import { Embedding } from "./embedding.js";
import { Linear } from "./linear.js";
import { mlp } from "./mlp.js";
import type { Module } from "./module.js";
import { LayerNorm, LayerNorm2d } from "./norm.js";
import { TransformerEncoderLayer } from "./transformer.js";

/** float32 modules: h = 1e-3, error of directional derivatives relative to ‖∇‖ (input and every parameter) < 1e-2. */
const TOL = 1e-2;
const mask = { name: "mask", shape: [2, 5], dtype: "bool" as const, data: [0, 0, 0, 0, 0, 0, 0, 0, 1, 1], constant: true };

function randomise(m: Module, rng: Rng, scale = 0.3): void {
  // non-trivial norms / layer scales so every gradient path is exercised
  for (const [, p] of m.namedParameters()) for (let i = 0; i < p.data.length; i++) p.data[i] = (p.data[i] as number) + scale * rng.normal();
}

describe("module gradients vs central finite differences (float32)", () => {
  const rng = new Rng(3);
  it("Linear on [B, T, d] (MatMul path) and [B, d] (Gemm path)", async () => {
    const lin = new Linear(6, 4, { rng });
    for (const shape of [[2, 3, 6], [3, 6]]) {
      const r = await gradCheck([{ name: "x", shape }], (_g, [x]) => lin.forward(x as Tensor), { dtype: "float32", params: [...lin.namedParameters()], h: 1e-3 });
      expect(r.worst, r.details.join("\n")).toBeLessThan(TOL);
    }
  });
  it("LayerNorm", async () => {
    const ln = new LayerNorm(6);
    randomise(ln, rng);
    const r = await gradCheck([{ name: "x", shape: [2, 3, 6] }], (_g, [x]) => ln.forward(x as Tensor), { dtype: "float32", params: [...ln.namedParameters()], h: 1e-3 });
    expect(r.worst, r.details.join("\n")).toBeLessThan(TOL);
  });
  it("LayerNorm2d (channels of NCHW)", async () => {
    const ln = new LayerNorm2d(4, { eps: 1e-6 });
    randomise(ln, rng);
    const r = await gradCheck([{ name: "x", shape: [2, 4, 3, 3] }], (_g, [x]) => ln.forward(x as Tensor), { dtype: "float32", params: [...ln.namedParameters()], h: 1e-3 });
    expect(r.worst, r.details.join("\n")).toBeLessThan(TOL);
  });
  it("Embedding", async () => {
    const emb = new Embedding(7, 4, { rng });
    const r = await gradCheck([{ name: "i", shape: [2, 3], dtype: "int64", data: [1, 6, 1, 0, 3, 3], constant: true }], (_g, [i]) => emb.forward(i as Tensor), {
      dtype: "float32",
      params: [...emb.namedParameters()],
      h: 1e-3,
    });
    expect(r.worst, r.details.join("\n")).toBeLessThan(TOL);
  });
  it("MultiheadAttention with key-padding mask (self and cross)", async () => {
    const mha = new MultiheadAttention(8, 2, { rng });
    randomise(mha, rng, 0.2);
    const params = [...mha.namedParameters()];
    const self = await gradCheck([{ name: "x", shape: [2, 5, 8] }, mask], (_g, [x, m]) => mha.forward(x as Tensor, x as Tensor, x as Tensor, { keyPaddingMask: m as Tensor }), { dtype: "float32", params, h: 1e-3 });
    expect(self.worst, self.details.join("\n")).toBeLessThan(TOL);
    const cross = await gradCheck([{ name: "q", shape: [2, 3, 8] }, { name: "kv", shape: [2, 5, 8] }, mask], (_g, [q, kv, m]) => mha.forward(q as Tensor, kv as Tensor, kv as Tensor, { keyPaddingMask: m as Tensor }), { dtype: "float32", params, h: 1e-3 });
    expect(cross.worst, cross.details.join("\n")).toBeLessThan(TOL);
  });
  it("MultiheadAttention with heads in groups (4 heads, 2 per group; padding mask, dropout 0.3 with fed masks)", async () => {
    const mha = new MultiheadAttention(8, 4, { rng, dropout: 0.3, headsPerGroup: 2 });
    randomise(mha, rng, 0.2);
    const r = await gradCheck([{ name: "x", shape: [2, 5, 8] }, mask], (_g, [x, m]) => mha.forward(x as Tensor, x as Tensor, x as Tensor, { keyPaddingMask: m as Tensor }), {
      dtype: "float32",
      params: [...mha.namedParameters()],
      h: 1e-3,
      training: true,
      fedMasks: true,
    });
    expect(r.worst, r.details.join("\n")).toBeLessThan(TOL);
  });
  for (const normFirst of [true, false]) {
    it(`TransformerEncoderLayer (${normFirst ? "pre" : "post"}-norm, ReLU and GELU, padding mask)`, async () => {
      for (const activation of ["relu", "gelu"] as const) {
        const layer = new TransformerEncoderLayer(8, 2, { dimFeedforward: 16, normFirst, activation, rng });
        randomise(layer, rng, 0.2);
        const r = await gradCheck([{ name: "x", shape: [2, 5, 8] }, mask], (_g, [x, m]) => layer.forward(x as Tensor, m as Tensor), {
          dtype: "float32",
          params: [...layer.namedParameters()],
          h: 1e-3,
        });
        expect(r.worst, r.details.join("\n")).toBeLessThan(TOL);
      }
    });
  }
  it("TransformerEncoderLayer in training mode (dropout 0.3 with fixed fed masks: chain rules, moved scales)", async () => {
    for (const [normFirst, activation] of [[true, "relu"], [false, "gelu"]] as const) {
      const layer = new TransformerEncoderLayer(8, 2, { dimFeedforward: 16, normFirst, activation, dropout: 0.3, rng });
      randomise(layer, rng, 0.2);
      const r = await gradCheck([{ name: "x", shape: [2, 5, 8] }, mask], (_g, [x, m]) => layer.forward(x as Tensor, m as Tensor), {
        dtype: "float32",
        params: [...layer.namedParameters()],
        h: 1e-3,
        training: true,
        fedMasks: true,
      });
      expect(r.worst, r.details.join("\n")).toBeLessThan(TOL);
    }
  });
  it("Conv2d (strided) and depthwise Conv2d", async () => {
    for (const conv of [new Conv2d(3, 4, 3, { stride: 2, padding: 1, rng }), new Conv2d(4, 4, 7, { padding: 3, groups: 4, rng })]) {
      const r = await gradCheck([{ name: "x", shape: [2, conv.inChannels, 6, 6] }], (_g, [x]) => conv.forward(x as Tensor), { dtype: "float32", params: [...conv.namedParameters()], h: 1e-3 });
      expect(r.worst, r.details.join("\n")).toBeLessThan(TOL);
    }
  });
  it("ConvNeXtBlock (layer scale, depthwise conv, LayerNorm, GELU)", async () => {
    const blk = new ConvNeXtBlock(4, { rng, layerScale: 0.5 });
    randomise(blk, rng, 0.2);
    const r = await gradCheck([{ name: "x", shape: [2, 4, 5, 5] }], (_g, [x]) => blk.forward(x as Tensor), { dtype: "float32", params: [...blk.namedParameters()], h: 1e-3 });
    expect(r.worst, r.details.join("\n")).toBeLessThan(TOL);
  });
  it("MLP head and the token pools (masked max, masked mean, global average)", async () => {
    const head = mlp([6, 8, 3], { rng });
    const params = [...head.namedParameters()];
    const mx = await gradCheck([{ name: "x", shape: [2, 5, 6] }, mask], (_g, [x, m]) => head.forward(maskedMaxPool(x as Tensor, m as Tensor)), { dtype: "float32", params, h: 1e-3 });
    expect(mx.worst, mx.details.join("\n")).toBeLessThan(TOL);
    const mean = await gradCheck([{ name: "x", shape: [2, 5, 6] }, mask], (_g, [x, m]) => head.forward(maskedMeanPool(x as Tensor, m as Tensor)), { dtype: "float32", params, h: 1e-3 });
    expect(mean.worst, mean.details.join("\n")).toBeLessThan(TOL);
    const gap = await gradCheck([{ name: "x", shape: [2, 6, 3, 3] }], (_g, [x]) => head.forward(globalAvgPool(x as Tensor)), { dtype: "float32", params, h: 1e-3 });
    expect(gap.worst, gap.details.join("\n")).toBeLessThan(TOL);
  });
});
