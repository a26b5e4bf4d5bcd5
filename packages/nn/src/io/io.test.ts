import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { WeightsError } from "../errors.js";
import { Graph } from "../graph/graph.js";
import { manualSeed } from "../modules/init.js";
import { TransformerEncoderLayer } from "../modules/transformer.js";
import { ConvNeXtBlock } from "../modules/convnext.js";
import { maskedMaxPool } from "../ops/pool.js";
import { Session } from "../run/session.js";
import { Rng } from "../rng.js";
import { exportOnnx, inferenceOnnxBytes } from "./export.js";
import { floatToHalf, halfToFloat } from "./half.js";
import { parseSafetensors, readSafetensors, loadWeights, saveWeights, serializeSafetensors } from "./safetensors.js";

const dir = await mkdtemp(join(tmpdir(), "osfm-nn-"));
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("safetensors", () => {
  it("round-trips a model's PyTorch-named weights and metadata", async () => {
    manualSeed(1);
    const a = new TransformerEncoderLayer(16, 4, { dimFeedforward: 32 });
    manualSeed(2);
    const b = new TransformerEncoderLayer(16, 4, { dimFeedforward: 32 });
    const path = join(dir, "layer.safetensors");
    await saveWeights(a, path, { producer: "test" });
    const { tensors, metadata } = await readSafetensors(path);
    expect(metadata).toEqual({ producer: "test" });
    expect(tensors.get("self_attn.in_proj_weight")?.shape).toEqual([48, 16]);
    const bytes = new Uint8Array(await readFile(path));
    const headerLen = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect((8 + headerLen) % 8).toBe(0);
    await loadWeights(b, path);
    const bParams = [...b.namedParameters()];
    [...a.namedParameters()].forEach(([n1, p1], i) => {
      expect(bParams[i]?.[0]).toBe(n1);
      expect(bParams[i]?.[1].data).toEqual(p1.data);
    });
  });

  it("names the file and tensor on a bad shape, a missing tensor or a truncated file", async () => {
    const layer = new ConvNeXtBlock(8);
    const path = join(dir, "bad.safetensors");
    await saveWeights(new ConvNeXtBlock(4), path);
    await expect(loadWeights(layer, path)).rejects.toThrow(/bad\.safetensors: tensor "block\.0\.bias" has shape \[4\], model expects \[8\]|bad\.safetensors: tensor ".*" has shape/);
    const parts = serializeSafetensors(new Map([["x", { dtype: "F32", shape: [2], data: Float32Array.of(1, 2) }]]));
    const whole = Buffer.concat(parts);
    expect(() => parseSafetensors(whole.subarray(0, whole.length - 4), "cut.safetensors")).toThrow(WeightsError);
    expect(() => parseSafetensors(whole.subarray(0, whole.length - 4), "cut.safetensors")).toThrow(/cut\.safetensors.*\[0, 8\)/);
    await writeFile(join(dir, "missing.safetensors"), whole);
    await expect(loadWeights(layer, join(dir, "missing.safetensors"))).rejects.toThrow(/missing tensor "layer_scale"/);
  });

  it("decodes F16 exactly for representable values", () => {
    for (const v of [0, 1, -2.5, 65504, 6.103515625e-5, 5.960464477539063e-8]) expect(halfToFloat(floatToHalf(v))).toBe(v);
    expect(halfToFloat(floatToHalf(1 / 3))).toBeCloseTo(1 / 3, 3);
  });
});

describe("safetensors from a Node Buffer", () => {
  it("decodes tensors from a pooled Buffer view (whose slice() shares memory) correctly", () => {
    const data = Float32Array.from({ length: 6 }, (_, i) => i * 1.5 - 2);
    const parts = serializeSafetensors(new Map([["w", { dtype: "F32", shape: [2, 3], data }]]));
    const bytes = Buffer.concat([Buffer.alloc(13, 7), ...parts.map((p) => Buffer.from(p))]).subarray(13); // a view at an offset
    const { tensors } = parseSafetensors(bytes, "buffer.safetensors");
    expect(Array.from(tensors.get("w")?.data as Float32Array)).toEqual(Array.from(data));
  });
});

describe("exportOnnx", () => {
  it("the exported file (weights as initializers) equals the training-mode graph built in eval mode", async () => {
    const rng = new Rng(4);
    const layer = new TransformerEncoderLayer(16, 4, { dimFeedforward: 32, normFirst: true, dropout: 0.1, rng });
    const path = join(dir, "layer.onnx");
    const forward = (m: TransformerEncoderLayer, x: Parameters<TransformerEncoderLayer["forward"]>[0], pad?: typeof x) => maskedMaxPool(m.forward(x, pad), pad);
    await exportOnnx(layer, path, {
      inputs: [{ name: "x", shape: ["B", "T", 16] }, { name: "pad", shape: ["B", "T"], dtype: "bool" }],
      forward: (m, x, pad) => ({ pooled: forward(m, x as never, pad as never) }),
    });
    const exported = await Session.create(new Uint8Array(await readFile(path)), { intraOpThreads: 1 });
    const g = layer.bind(new Graph({ params: "inputs", training: false }));
    const x = g.input("x", ["B", "T", 16]);
    const pad = g.input("pad", ["B", "T"], "bool");
    g.output("pooled", forward(layer, x, pad));
    const train = await Session.create(g, { intraOpThreads: 1 });
    const feeds = {
      x: { data: Float32Array.from({ length: 2 * 6 * 16 }, () => rng.normal()), dims: [2, 6, 16] },
      pad: { data: Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1]), dims: [2, 6] },
    };
    const [a, b] = [await exported.run(feeds), await train.run(feeds)];
    expect(a.pooled?.dims).toEqual([2, 16]);
    const av = a.pooled?.data as Float32Array;
    (b.pooled?.data as Float32Array).forEach((v, i) => expect(Math.abs(v - (av[i] as number))).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(v))));
  });

  it("a float16 export (weights in half precision, float32 edges) is half the size and within 1e-2 of float32", async () => {
    const rng = new Rng(8);
    const blk = new ConvNeXtBlock(16, { rng, layerScale: 0.5 });
    const layer = new TransformerEncoderLayer(32, 4, { dimFeedforward: 64, normFirst: true, rng });
    const cases = [
      { model: blk, inputs: [{ name: "x", shape: [2, 16, 8, 8] }], feeds: { x: { data: Float32Array.from({ length: 2 * 16 * 64 }, () => rng.normal()), dims: [2, 16, 8, 8] } }, fwd: (m: never, x: never) => (m as ConvNeXtBlock).forward(x) },
      { model: layer, inputs: [{ name: "x", shape: ["B", "T", 32] }], feeds: { x: { data: Float32Array.from({ length: 3 * 5 * 32 }, () => rng.normal()), dims: [3, 5, 32] } }, fwd: (m: never, x: never) => (m as TransformerEncoderLayer).forward(x) },
    ];
    for (const c of cases) {
      const outs: Float32Array[] = [];
      const sizes: number[] = [];
      for (const precision of ["float32", "float16"] as const) {
        const bytes = inferenceOnnxBytes(c.model as never, { inputs: c.inputs, forward: c.fwd as never, precision });
        sizes.push(bytes.length);
        const s = await Session.create(bytes, { intraOpThreads: 1 });
        outs.push((await s.run(c.feeds)).output?.data as Float32Array);
      }
      expect(sizes[1]).toBeLessThan(0.6 * (sizes[0] as number));
      const [a, b] = outs as [Float32Array, Float32Array];
      let diff = 0;
      let scale = 0;
      a.forEach((v, i) => {
        diff = Math.max(diff, Math.abs(v - (b[i] as number)));
        scale = Math.max(scale, Math.abs(v));
      });
      expect(diff / scale).toBeLessThan(1e-2);
      expect(diff).toBeGreaterThan(0);
    }
  });
});
