import { writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { testTempDir } from "../../../tooling/config/test-temp-dir";
import { loadGradingCheckpoint, saveGradingCheckpoint } from "./grading-checkpoint";
import { trainGrading } from "./grading-train";
import type { SlideBag } from "./types";

const DIM = 8;
const bag = (grade: number, i: number): SlideBag => ({
  features05: Float32Array.from({ length: 10 * DIM }, (_, j) => Math.sin(j * 0.7 + i) + (j % DIM < 2 ? grade : 0)),
  coords05: new Float32Array(20),
  features20: Float32Array.from({ length: 4 * DIM }, (_, j) => Math.cos(j * 0.3 + i)),
  coords20: new Float32Array(8),
});

describe("grading checkpoints", () => {
  it("save student + EMA weights and a JSON state; loading gives identical predictions and the recorded step", async () => {
    const bags = Array.from({ length: 12 }, (_, i) => bag(i % 6, i));
    const labels = bags.map((_, i) => i % 6);
    const result = await trainGrading({ bags, labels }, { bags, labels }, () => 0, {
      config: { dim: DIM, heads: 2, ffnDim: 8, scorerHidden: 4, fusionDim: 8 },
      epochs: 2,
      batchSize: 6,
      emaDecay: 0.9,
    });
    const dir = path.join(testTempDir("osfm-ckpt-"), "ckpt");
    await saveGradingCheckpoint(dir, result);
    const back = await loadGradingCheckpoint(dir);
    expect(back.state.steps).toBe(4);
    expect(back.state.emaDecay).toBe(0.9);
    expect(back.state.history).toHaveLength(2);
    expect(Array.from(await back.ema.predictProba(bags))).toEqual(Array.from(await result.model.predictProba(bags)));
    expect(Array.from(await back.student.predictProba(bags))).toEqual(Array.from(await result.student.predictProba(bags)));
    // EMA and student really are different weights
    expect(back.ema.fingerprint).not.toBe(back.student.fingerprint);
  });

  it("refuses a checkpoint whose weights do not match its JSON", async () => {
    const bags = Array.from({ length: 6 }, (_, i) => bag(i % 6, i));
    const labels = bags.map((_, i) => i % 6);
    const result = await trainGrading({ bags, labels }, { bags, labels }, () => 0, { config: { dim: DIM, heads: 2, ffnDim: 8, scorerHidden: 4, fusionDim: 8 }, epochs: 1 });
    const dir = path.join(testTempDir("osfm-ckpt-"), "ckpt");
    await saveGradingCheckpoint(dir, result);
    await result.student.save(path.join(dir, "ema.safetensors")); // wrong weights under the EMA name
    await expect(loadGradingCheckpoint(dir)).rejects.toThrow(/do not match the fingerprints/);
    writeFileSync(path.join(dir, "checkpoint.json"), "{");
    await expect(loadGradingCheckpoint(dir)).rejects.toMatchObject({ code: "BAD_CHECKPOINT" });
  });
});
