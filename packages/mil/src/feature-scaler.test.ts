import { describe, expect, it } from "vitest";
import { MilInputError } from "./errors";
import { BagScaler, BagScalerFit } from "./feature-scaler";
import type { SlideBag } from "./types";

const DIM = 3;
function bag(id: string, rows05: number[][], rows20: number[][]): SlideBag {
  return { slideId: id, features05: Float32Array.from(rows05.flat()), coords05: new Float32Array(rows05.length * 2), features20: Float32Array.from(rows20.flat()), coords20: new Float32Array(rows20.length * 2) };
}

describe("BagScaler", () => {
  const a = bag("a", [[1, 10, 5], [3, 30, 5]], [[100, 0, 1]]);
  const b = bag("b", [[5, 50, 5]], [[300, 0, 3]]);
  const scaler = BagScaler.fit([a, b]);

  it("standardises each scale with its own training-token statistics (population SD, as StandardScaler)", () => {
    // 0.5 µm/px tokens: dim 0 = {1, 3, 5} → mean 3, SD √(8/3); dim 2 constant 5 → centred only
    const t = scaler.transform(a).features05;
    const sd = Math.sqrt(8 / 3);
    const want = [(1 - 3) / sd, (10 - 30) / (10 * sd), 0, (3 - 3) / sd, 0, 0];
    // float32 storage: within 1e-6
    want.forEach((v, i) => expect(t[i]).toBeCloseTo(v, 6));
    // 2.0 µm/px tokens: dim 0 = {100, 300} → mean 200, SD 100; dim 1 constant 0
    expect(Array.from(scaler.transform(b).features20)).toEqual([1, 0, 1]);
  });

  it("applies the training statistics to unseen bags and leaves the input untouched", () => {
    const c = bag("c", [[3, 30, 6]], [[200, 2, 2]]);
    const before = Array.from(c.features05);
    const t = scaler.transform(c);
    expect(Array.from(t.features05)).toEqual([0, 0, 1]);
    expect(Array.from(t.features20)).toEqual([0, 2, 0]);
    expect(Array.from(c.features05)).toEqual(before);
    expect(t.slideId).toBe("c");
    expect(t.features05.length / DIM).toBe(1);
  });

  it("refuses a training set without tokens", () => {
    expect(() => BagScaler.fit([bag("e", [], [])])).toThrow(MilInputError);
  });

  it("streams: adding bags one at a time gives the statistics of fitting them together", () => {
    const fit = new BagScalerFit();
    fit.add(a);
    fit.add(b);
    const streamed = fit.finish();
    for (const s of ["scale05", "scale20"] as const) expect(streamed.stats(s)).toEqual(scaler.stats(s));
  });

  it("keeps float64 precision under a large common offset (naive Σx² − n·m² would lose the spread)", () => {
    // 0.5 µm/px dim 0: 1e4 + {−1, 1} over 2000 rows in 1000 bags → mean 1e4, SD 1
    const bags = Array.from({ length: 1000 }, (_, i) => bag(`o${i}`, [[1e4 - 1, 0, 0], [1e4 + 1, 0, 0]], [[i, 0, 0]]));
    const s = BagScaler.fit(bags).stats("scale05");
    expect(s.mean[0]).toBe(1e4);
    expect(s.scale[0]).toBeCloseTo(1, 9);
  });

  it("floors the divisor at minStd (a constant dimension is divided by the floor, not by 1)", () => {
    const floored = BagScaler.fit([a, b], { minStd: 0.5 });
    expect(Array.from(floored.stats("scale05").scale)).toEqual([Math.fround(Math.sqrt(8 / 3)), Math.fround(10 * Math.sqrt(8 / 3)), 0.5]);
    expect(Array.from(floored.stats("scale20").scale)).toEqual([100, 0.5, 1]);
    expect(() => BagScaler.fit([a], { minStd: 0 })).toThrow(RangeError);
  });

  it("round-trips through its tensors and rejects missing ones", () => {
    const back = BagScaler.fromTensors(scaler.toTensors());
    expect(Array.from(back.transform(a).features05)).toEqual(Array.from(scaler.transform(a).features05));
    expect([...scaler.toTensors().keys()].sort()).toEqual(["scale05.mean", "scale05.std", "scale20.mean", "scale20.std"]);
    const partial = scaler.toTensors();
    partial.delete("scale20.std");
    expect(() => BagScaler.fromTensors(partial, "x.safetensors")).toThrow(/scale20\.std/);
  });
});
