import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { Rng } from "@osfm/nn";
import { afterAll, describe, expect, it } from "vitest";
import { maxRelativeError, referenceDir, referenceTiles, safetensorsBytes, tempDir } from "../../test/helpers";
import { createEncoder, registerArchitecture } from "../encoder/create-encoder";
import { WeightsMismatchError } from "../errors";
import { convnextArchitecture, readFloatTensors } from "./architecture";
import { CONVNEXT_TINY, ConvNeXtFeatures, type ConvNeXtConfig } from "./model";

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const reduced = JSON.parse(readFileSync(path.join(referenceDir, "reduced_convnext_ref.json"), "utf8")) as {
  config: ConvNeXtConfig;
  tiles: number;
  side: number;
  features: number[];
};
registerArchitecture("convnext_reduced", async () => convnextArchitecture(reduced.config));
const reducedWeights = path.join(referenceDir, "reduced_convnext.safetensors");

describe("ConvNeXt-Tiny structure", () => {
  it("has exactly 27,818,592 parameters without the head (27,820,128 with the final LayerNorm)", () => {
    expect(new ConvNeXtFeatures(CONVNEXT_TINY, { rng: new Rng(0), finalNorm: false }).numParameters()).toBe(27_818_592);
    expect(new ConvNeXtFeatures(CONVNEXT_TINY, { rng: new Rng(0), finalNorm: true }).numParameters()).toBe(27_820_128);
  });

  it("names and shapes every tensor exactly as torchvision's convnext_tiny state_dict", () => {
    const ref = JSON.parse(readFileSync(path.join(referenceDir, "convnext_tiny_names.json"), "utf8")) as { tensors: [string, number[]][] };
    const ours = [...new ConvNeXtFeatures(CONVNEXT_TINY, { rng: new Rng(0), finalNorm: true }).namedParameters()].map(([n, p]) => [n, [...p.shape]]);
    const theirs = ref.tensors.filter(([n]) => !n.startsWith("classifier.2"));
    expect(ours).toEqual(theirs);
  });
});

describe("reduced ConvNeXt against torchvision (committed reference, same code path as ConvNeXt-Tiny)", () => {
  // Tolerance: max |ours − torch| / max |torch| ≤ 1e-4 (float32 on both sides; different kernels).
  it("torchvision names: features within 1e-4 relative", async () => {
    const encoder = await createEncoder({ arch: "convnext_reduced", weights: reducedWeights, threads: 1 });
    expect(encoder.dim).toBe(32);
    const out = await encoder.encode(referenceTiles(reduced.tiles, reduced.side), reduced.tiles);
    expect(maxRelativeError(out, reduced.features)).toBeLessThan(1e-4);
    await encoder.close();
  });

  it("timm names load the same weights into identical features", async () => {
    const tv = await createEncoder({ arch: "convnext_reduced", weights: reducedWeights, threads: 1 });
    const timm = await createEncoder({ arch: "convnext_reduced", weights: path.join(referenceDir, "reduced_convnext_timm.safetensors"), threads: 1 });
    const tiles = referenceTiles(reduced.tiles, reduced.side);
    expect(Array.from(await timm.encode(tiles, reduced.tiles))).toEqual(Array.from(await tv.encode(tiles, reduced.tiles)));
    await Promise.all([tv.close(), timm.close()]);
  });

  it("the final LayerNorm option applies classifier.0 to the pooled features", async () => {
    const plain = await createEncoder({ arch: "convnext_reduced", weights: reducedWeights, threads: 1 });
    const normed = await createEncoder({ arch: "convnext_reduced", weights: reducedWeights, threads: 1, finalNorm: true });
    const tiles = referenceTiles(1, reduced.side);
    const x = await plain.encode(tiles, 1);
    const y = await normed.encode(tiles, 1);
    const w = readFloatTensors(readFileSync(reducedWeights), "w");
    const gamma = w.get("classifier.0.weight")!.data;
    const beta = w.get("classifier.0.bias")!.data;
    const mean = x.reduce((a, b) => a + b, 0) / x.length;
    const variance = x.reduce((a, b) => a + (b - mean) ** 2, 0) / x.length;
    const expected = Array.from(x, (v, i) => ((v - mean) / Math.sqrt(variance + 1e-6)) * gamma[i]! + beta[i]!);
    expect(maxRelativeError(y, expected)).toBeLessThan(1e-5);
    expect(normed.id).not.toBe(plain.id);
    await Promise.all([plain.close(), normed.close()]);
  });
});

describe("bad weights", () => {
  const good = readFloatTensors(readFileSync(reducedWeights), "good");

  it("names every missing tensor", async () => {
    const partial = new Map(good);
    partial.delete("features.1.0.block.3.weight");
    partial.delete("features.0.1.bias");
    const file = path.join(tmp.dir, "missing.safetensors");
    writeFileSync(file, safetensorsBytes(partial));
    const err = await createEncoder({ arch: "convnext_reduced", weights: file }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WeightsMismatchError);
    expect((err as WeightsMismatchError).missing).toEqual(["features.0.1.bias", "features.1.0.block.3.weight"]);
    expect((err as Error).message).toContain("missing.safetensors");
  });

  it("names a misshapen tensor with both shapes", async () => {
    const bad = new Map(good);
    bad.set("features.3.0.block.0.weight", { shape: [16, 1, 5, 5], data: new Float32Array(16 * 25) });
    const file = path.join(tmp.dir, "misshapen.safetensors");
    writeFileSync(file, safetensorsBytes(bad));
    await expect(createEncoder({ arch: "convnext_reduced", weights: file })).rejects.toThrow(
      /features\.3\.0\.block\.0\.weight has shape \[16, 1, 5, 5\], expected \[16, 1, 7, 7\]/,
    );
  });

  it("rejects a file that is not safetensors", async () => {
    const file = path.join(tmp.dir, "junk.safetensors");
    writeFileSync(file, "{}");
    await expect(createEncoder({ arch: "convnext_reduced", weights: file })).rejects.toThrow(/junk\.safetensors: not a safetensors file/);
  });
});

describe("seeded random init (the embedded default)", () => {
  it("is deterministic per seed and gives the seed its own fingerprint", async () => {
    const a = await createEncoder({ arch: "convnext_reduced", seed: 3, threads: 1 });
    const b = await createEncoder({ arch: "convnext_reduced", seed: 3, threads: 1 });
    const c = await createEncoder({ arch: "convnext_reduced", seed: 4, threads: 1 });
    expect(a.fingerprint).toBe(b.fingerprint);
    expect(a.fingerprint).not.toBe(c.fingerprint);
    const tiles = referenceTiles(2);
    expect(Array.from(await a.encode(tiles, 2))).toEqual(Array.from(await b.encode(tiles, 2)));
    await Promise.all([a.close(), b.close(), c.close()]);
  });
});

describe("inference off the main thread", () => {
  it("keeps the event loop free while a batch runs, so tile reading overlaps inference", async () => {
    const encoder = await createEncoder({ arch: "convnext_reduced", weights: reducedWeights, threads: 1 });
    const tiles = referenceTiles(24);
    let ticks = 0;
    let running = true;
    const spin = () => {
      ticks++;
      if (running) setImmediate(spin);
    };
    const t0 = performance.now();
    setImmediate(spin);
    await encoder.encode(tiles, 24);
    running = false;
    const ms = performance.now() - t0;
    // A synchronous run would allow at most one or two ticks in total; here the loop turns throughout.
    expect(ticks).toBeGreaterThan(Math.min(20, ms / 5));
    await encoder.close();
  });
});

describe("float16 option", () => {
  it("rounds weights to half precision: its own cache id, features within 1e-2 of float32", async () => {
    const f32 = await createEncoder({ arch: "convnext_reduced", weights: reducedWeights, threads: 1 });
    const f16 = await createEncoder({ arch: "convnext_reduced", weights: reducedWeights, threads: 1, dtype: "float16" });
    expect(f16.dtype).toBe("float16");
    expect(f16.fingerprint).toBe(f32.fingerprint);
    expect(f16.id).not.toBe(f32.id);
    const tiles = referenceTiles(2);
    const a = await f32.encode(tiles, 2);
    const b = await f16.encode(tiles, 2);
    const err = maxRelativeError(b, a);
    expect(err).toBeGreaterThan(0);
    expect(err).toBeLessThan(1e-2);
    await Promise.all([f32.close(), f16.close()]);
  });
});
