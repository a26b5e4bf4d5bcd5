import path from "node:path";
import { describe, expect, it } from "vitest";
import { testTempDir } from "../../../tooling/config/test-temp-dir";
import { MILTransformer } from "./aggregator";
import { MilInputError } from "./errors";
import type { SlideBag } from "./types";

const small = { dim: 16, depth: 2, heads: 4, ffnDim: 32, posHidden: 8 };

function bag(n05: number, n20: number, seed: number, dim = 16): SlideBag {
  let s = seed;
  const r = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
  return {
    slideId: `slide-${seed}`,
    features05: Float32Array.from({ length: n05 * dim }, r),
    coords05: Float32Array.from({ length: n05 * 2 }, () => Math.abs(r()) * 10),
    features20: Float32Array.from({ length: n20 * dim }, r),
    coords20: Float32Array.from({ length: n20 * 2 }, () => Math.abs(r()) * 10),
  };
}

describe("MILTransformer", () => {
  it("has exactly the OpenSlideFM aggregator's 45,188,352 parameters by default", () => {
    expect(MILTransformer.create({ seed: 1 }).numParameters).toBe(45_188_352);
  });

  it("embeds a bag the same alone and padded in a batch with a longer bag", async () => {
    const agg = MILTransformer.create({ seed: 3, config: small });
    const a = bag(5, 2, 11);
    const alone = await agg.embed(a);
    const [batched] = await agg.embedBatch([a, bag(9, 4, 12)]);
    expect(alone.length).toBe(16);
    for (let i = 0; i < 16; i++) expect(batched?.[i]).toBeCloseTo(alone[i] as number, 5);
    const pooled = await agg.embed(a, { output: "pooled" });
    expect(Array.from(pooled)).not.toEqual(Array.from(alone));
    await agg.release();
  });

  it("saves and loads to identical embeddings and fingerprint", async () => {
    const agg = MILTransformer.create({ seed: 5, config: small });
    const file = path.join(testTempDir("osfm-mil-"), "agg.safetensors");
    await agg.save(file);
    const back = await MILTransformer.load(file);
    expect(back.config).toEqual(agg.config);
    expect(back.fingerprint).toBe(agg.fingerprint);
    const b = bag(4, 3, 7);
    expect(Array.from(await back.embed(b))).toEqual(Array.from(await agg.embed(b)));
    await Promise.all([agg.release(), back.release()]);
  });

  it("rejects empty bags, a missing scale, NaN features and mismatched dims, naming the slide", async () => {
    const agg = MILTransformer.create({ seed: 5, config: small });
    const good = bag(3, 2, 1);
    await expect(agg.embed({ ...good, features05: new Float32Array(0), coords05: new Float32Array(0) })).rejects.toMatchObject({ code: "EMPTY_BAG" });
    await expect(agg.embed({ ...good, features20: undefined as unknown as Float32Array })).rejects.toMatchObject({ code: "MISSING_SCALE" });
    const nan = good.features05.slice();
    nan[17] = Number.NaN;
    await expect(agg.embed({ ...good, features05: nan })).rejects.toThrow(/slide-1: feature NaN at token 1, dim 1/);
    await expect(agg.embed({ ...good, features05: new Float32Array(3 * 15) })).rejects.toBeInstanceOf(MilInputError);
  });
});
