import { featureFilePath, writeFeatureFile } from "@osfm/backbone";
import { describe, expect, it } from "vitest";
import { ByolMfrError, featureDirBags, memoryBags, pretrain, readLogRows } from "../src/index";
import { SMALL, syntheticCohort } from "./synthetic";
import { tempDir } from "./temp-dir";

describe("inputs", () => {
  it("featureDirBags reads @osfm/backbone feature files at both scales and turns level-0 px into tile centres in mm", async () => {
    const root = tempDir("bm-feat-");
    const id = "TCGA-XX-0001";
    const attrs = (scale: number) => ({ slideId: id, scale, level: 0, tileSize: 256, backboneId: "enc", weightsSha256: "0", manifestSha256: "0" });
    await writeFeatureFile(featureFilePath(root, "enc", 0.5, id), { features: new Float32Array(2 * 4).fill(1), coords: [0, 0, 512, 256], n: 2, dim: 4 }, attrs(0.5));
    await writeFeatureFile(featureFilePath(root, "enc", 2, id), { features: new Float32Array(4).fill(2), coords: [2048, 0], n: 1, dim: 4 }, attrs(2));
    await writeFeatureFile(featureFilePath(root, "enc", 0.5, "only-one-scale"), { features: new Float32Array(4), coords: [0, 0], n: 1, dim: 4 }, { ...attrs(0.5), slideId: "only-one-scale" });
    const source = await featureDirBags({ featureRoot: root, encoderId: "enc", mpp: () => ({ mppX: 0.25, mppY: 0.25 }) });
    expect(source.slideIds).toEqual([id]);
    const bag = await source.load(id);
    // 0.5 µm/px tiles cover 128 µm = 512 level-0 px at 0.25 µm/px: centre of (512, 256) = (768, 512) px = (0.192, 0.128) mm
    expect(Array.from(bag.coords05)).toEqual([0.064, 0.064, 0.192, 0.128].map(Math.fround));
    expect(Array.from(bag.coords20)).toEqual([(2048 + 1024) * 0.25e-3, 1024 * 0.25e-3].map(Math.fround));
    expect(Array.from(bag.features20)).toEqual([2, 2, 2, 2]);
    await expect(featureDirBags({ featureRoot: root, encoderId: "missing", mpp: () => ({ mppX: 0.5, mppY: 0.5 }) })).rejects.toThrow(ByolMfrError);
  });

  it("real gradient accumulation: 12 slides in batches of 3 with accumulation 2 give 2 optimizer steps per epoch", async () => {
    const { bags } = syntheticCohort({ slidesPerClass: 4, n05: 8, n20: 4 });
    const dir = tempDir("bm-accum-");
    const res = await pretrain({
      bags: memoryBags(bags), weightsDir: dir,
      config: { seed: 1, aggregator: SMALL.aggregator, decoder: SMALL.decoder, threads: 1, logEverySteps: 1, phase1: { epochs: 2, batchSlides: 3, accumulationSteps: 2, warmupSteps: 1 } },
    });
    expect(res.phase1Steps).toBe(4);
    const rows = await readLogRows(res.logJsonl);
    expect(rows.map((r) => [r.epoch, r.step])).toEqual([[1, 1], [1, 2], [2, 3], [2, 4]]);
    // each row covers one optimizer step = 2 micro-batches × 3 slides × 2 views × 12 tokens
    expect(rows.every((r) => (r.tokens_per_s ?? 0) > 0)).toBe(true);
  });
});
