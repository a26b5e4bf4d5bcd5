import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { grad } from "../autodiff/grad.js";
import { Graph, type Tensor } from "../graph/graph.js";
import { reduceSum } from "./reduce.js";
import { Session } from "../run/session.js";
import { exp, mul } from "./elementwise.js";
import { dropout } from "./nn-ops.js";
import { stochasticDepth } from "./regularize.js";
import { reshape } from "./shape-ops.js";
import { MaskStream } from "../run/masks.js";

describe("random ops stay on in training graphs without a backward pass", () => {
  // onnxruntime deletes a Dropout whose mask nothing reads; the keep-alive slice must stop that
  it("dropout between two ops and stochastic depth drop in a forward-only run", async () => {
    const g = new Graph({ training: true, seed: 1 });
    g.output("y", mul(dropout(exp(g.input("x", [1000])), 0.5), 2));
    g.output("z", mul(stochasticDepth(exp(g.input("w", [400, 2])), 0.5), 2));
    const s = await Session.create(g, { intraOpThreads: 1 });
    const r = await s.run({ x: { data: new Float32Array(1000), dims: [1000] }, w: { data: new Float32Array(800), dims: [400, 2] } });
    const y = r.y?.data as Float32Array;
    const z = r.z?.data as Float32Array;
    const yZeros = y.filter((v) => v === 0).length;
    expect(yZeros).toBeGreaterThan(400);
    expect(yZeros).toBeLessThan(600);
    y.forEach((v) => expect([0, 4]).toContain(v));
    const rowsDropped = Array.from({ length: 400 }, (_, i) => z[2 * i]).filter((v) => v === 0).length;
    expect(rowsDropped).toBeGreaterThan(140);
    expect(rowsDropped).toBeLessThan(260);
    for (let i = 0; i < 400; i++) expect(z[2 * i + 1]).toBe(z[2 * i]); // one draw per row
  });
});

describe("dropout masks fed by the session (dropoutMasks: \"inputs\")", () => {
  it.each([0.1, 0.5])("MaskStream p = %s: keep rate 1 − p, odd and unaligned lengths, replayable from the seed", (p) => {
    for (const n of [1, 7, 4001]) {
      const buf = new Uint8Array(n + 1).subarray(1); // byteOffset 1: byte-wise path
      new MaskStream(3, p).fill(buf);
      expect(buf.every((v) => v === 0 || v === 1)).toBe(true);
    }
    const a = new Uint8Array(40_001);
    const s = new MaskStream(3, p);
    s.fill(a);
    const kept = a.reduce((k, v) => k + v, 0) / a.length;
    expect(Math.abs(kept - (1 - p))).toBeLessThan(0.0125); // > 5σ
    // independent elements: P(both of two neighbours dropped) = p²
    let both = 0;
    for (let i = 0; i + 1 < a.length; i += 2) both += a[i] === 0 && a[i + 1] === 0 ? 1 : 0;
    expect(Math.abs(both / (a.length >> 1) - p * p)).toBeLessThan(0.015);
    const b = new Uint8Array(a.length);
    s.fill(b);
    expect(Buffer.compare(b, a)).not.toBe(0); // the stream moves on
    const again = new Uint8Array(a.length);
    new MaskStream(3, p).fill(again);
    expect(Buffer.compare(again, a)).toBe(0); // same seed, same first mask
    const unaligned = new Uint8Array(a.length + 1).subarray(1);
    new MaskStream(3, p).fill(unaligned);
    expect(Buffer.compare(unaligned, a)).toBe(0); // word and byte paths draw the same stream
  });

  it("Session sizes the masks from the feeds' dims, replays them per session, and the scale is exact", async () => {
    const g = new Graph({ training: true, seed: 4, dropoutMasks: "inputs" });
    const x = g.input("x", ["B", 300]);
    g.output("y", dropout(exp(x), 0.25));
    expect([...g.maskInputs.values()].map((m) => m.tensor.shape)).toEqual([["B", 300]]);
    const feeds = { x: { data: new Float32Array(600), dims: [2, 300] } };
    const s1 = await Session.create(g, { intraOpThreads: 1 });
    const [r1, r2] = [await s1.run(feeds), await s1.run(feeds)];
    const y1 = r1.y?.data as Float32Array;
    expect(y1).toHaveLength(600);
    y1.forEach((v) => expect([0, 1 / 0.75].map((c) => Math.fround(c))).toContain(v));
    const dropped = y1.filter((v) => v === 0).length;
    expect(dropped).toBeGreaterThan(100);
    expect(dropped).toBeLessThan(200);
    expect(r2.y?.data).not.toEqual(y1);
    const s2 = await Session.create(g, { intraOpThreads: 1 });
    expect((await s2.run(feeds)).y?.data).toEqual(y1);
    // a fed mask overrides the drawn one
    const mask = { data: new Uint8Array(600).fill(1), dims: [2, 300] };
    const name = [...g.maskInputs.values()][0]?.tensor.name as string;
    const all = (await s2.run({ ...feeds, [name]: mask })).y?.data as Float32Array;
    expect(all.every((v) => v === Math.fround(1 / 0.75))).toBe(true);
  });

  it("a mask read by the forward and the backward is dequantized once per run (no QDQ copy per consumer)", async () => {
    const g = new Graph({ training: true, seed: 5, dropoutMasks: "inputs" });
    const x = g.input("x", [4, 300]);
    const y = mul(dropout(exp(x), 0.25), x); // dy/dx reads the mask: its DequantizeLinear has two consumers
    const [gx] = grad(reduceSum(y, [0, 1]), [x]);
    g.output("gx", gx as Tensor);
    const dir = mkdtempSync(join(tmpdir(), "osfm-nn-dql-"));
    try {
      const s = await Session.create(g, { intraOpThreads: 1, profileFilePrefix: join(dir, "p") });
      const out = await s.run({ x: { data: new Float32Array(1200).fill(0.5), dims: [4, 300] } });
      s.ort.endProfiling();
      await s.release();
      const events = JSON.parse(readFileSync(join(dir, readdirSync(dir)[0] as string), "utf8")) as { cat: string; args?: { op_name?: string } }[];
      const dequantize = events.filter((e) => e.cat === "Node" && e.args?.op_name === "DequantizeLinear");
      expect(dequantize).toHaveLength(1);
      // d(x·e^x·k)/dx = k·e^x·(1 + x) with k ∈ {0, 1/0.75}: the gradient still sees the mask
      const kept = Math.fround(Math.fround(1 / 0.75) * Math.exp(0.5) * 1.5);
      (out.gx?.data as Float32Array).forEach((v) => expect(v === 0 || Math.abs(v - kept) < 1e-5).toBe(true));
      expect((out.gx?.data as Float32Array).some((v) => v === 0)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("falls back to the ONNX Dropout op when a dim is not known from the inputs", () => {
    const g = new Graph({ training: true, dropoutMasks: "inputs" });
    const x = reshape(g.input("x", ["B", 6]), [-1, 3]); // [dim_k, 3]: dim only known inside onnxruntime
    const y = dropout(x, 0.5);
    expect(y.producer?.op).toBe("Dropout");
    expect(g.maskInputs.size).toBe(0);
  });
});
