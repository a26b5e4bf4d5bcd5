import path from "node:path";
import { describe, expect, it } from "vitest";
import { testTempDir } from "../../../tooling/config/test-temp-dir";
import { AttentionMil, softmaxRows } from "./grading-model";
import { topK } from "./topk-pool";
import type { SlideBag } from "./types";

const small = { dim: 16, heads: 4, ffnDim: 24, scorerHidden: 8, fusionDim: 12 };
const bag = (n05: number, n20: number, v: number): SlideBag => ({
  features05: Float32Array.from({ length: n05 * 16 }, (_, i) => Math.sin(i * v)),
  coords05: new Float32Array(n05 * 2),
  features20: Float32Array.from({ length: n20 * 16 }, (_, i) => Math.cos(i * v)),
  coords20: new Float32Array(n20 * 2),
});

describe("AttentionMil", () => {
  it("has the original's 11,099,144 parameters by default", () => {
    expect(AttentionMil.create().numParameters).toBe(11_099_144);
  });

  it("uses k = clamp(floor(0.15 n), 24) capped at n", () => {
    expect([1, 10, 24, 100, 160, 161, 1200].map(topK)).toEqual([1, 10, 24, 24, 24, 24, 180]);
  });

  it("predicts rows of probabilities, batch-invariant, and reloads to identical predictions", async () => {
    const model = AttentionMil.create({ seed: 2, config: small });
    const bags = [bag(30, 8, 0.3), bag(5, 3, 0.7)];
    const p = await model.predictProba(bags);
    expect(p.length).toBe(12);
    for (let r = 0; r < 2; r++) expect(p.slice(r * 6, r * 6 + 6).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    const alone = await model.predictProba([bags[1] as SlideBag]);
    for (let j = 0; j < 6; j++) expect(alone[j]).toBeCloseTo(p[6 + j] as number, 5);
    const file = path.join(testTempDir("osfm-amil-"), "m.safetensors");
    await model.save(file);
    const back = await AttentionMil.load(file);
    expect(Array.from(await back.predictProba(bags))).toEqual(Array.from(p));
  });

  it("rejects an empty batch, empty bags, a missing scale, NaN features and mismatched dims, naming the slide", async () => {
    const model = AttentionMil.create({ seed: 2, config: small });
    const named = (b: SlideBag, slideId: string): SlideBag => ({ ...b, slideId });
    await expect(model.predictProba([])).rejects.toMatchObject({ code: "EMPTY_BAG" });
    await expect(model.predictProba([named(bag(0, 3, 0.1), "s-empty")])).rejects.toMatchObject({ code: "EMPTY_BAG", message: expect.stringContaining("s-empty") });
    const { features20: _f, coords20: _c, ...only05 } = named(bag(4, 2, 0.1), "s-one-scale");
    await expect(model.predictProba([only05 as SlideBag])).rejects.toMatchObject({ code: "MISSING_SCALE", message: expect.stringContaining("s-one-scale") });
    const nan = named(bag(4, 2, 0.1), "s-nan");
    nan.features05[5] = Number.NaN;
    await expect(model.predictProba([bag(3, 2, 0.2), nan])).rejects.toThrow(/s-nan/);
    const wide = named({ ...bag(4, 2, 0.1), features05: new Float32Array(4 * 17) }, "s-dim");
    await expect(model.predictProba([wide])).rejects.toMatchObject({ code: "BAD_SHAPE", message: expect.stringContaining("s-dim") });
  });

  it("softmaxRows is stable for large logits", () => {
    const p = softmaxRows([1000, 1001, 0, 0], 2);
    expect(p[1]).toBeCloseTo(1 / (1 + Math.exp(-1)), 12);
    expect(p[2]).toBe(0.5);
  });
});
