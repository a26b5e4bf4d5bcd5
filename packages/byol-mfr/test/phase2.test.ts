import { readFile } from "node:fs/promises";
import path from "node:path";
import { convnextArchitecture, createEncoder, registerArchitecture } from "@osfm/backbone";
import { describe, expect, it } from "vitest";
import { findLatestCheckpoint, memoryBags, pretrain, readLogRows, runDiagnostics, saveBackbone, TrainableConvNeXt } from "../src/index";
import { SMALL } from "./synthetic";
import { bagsFromTiles, syntheticTileSource } from "./tiles-helper";
import { tempDir } from "./temp-dir";

const SHAPE = { depths: [1, 1, 1, 1], dims: [8, 16, 24, 32] };
const SIDE = 32;

describe("phase 2 (end to end, tiny ConvNeXt, 32 px tiles)", () => {
  it("trains the backbone (G4 PASS), saves it with its fingerprint, and re-extracted features differ from the phase-1 features", async () => {
    registerArchitecture("convnext_test", async () => convnextArchitecture(SHAPE, SIDE));
    const dir = tempDir("bm-p2-");
    const start = path.join(dir, "imagenet-like.safetensors");
    await saveBackbone(new TrainableConvNeXt(SHAPE, { seed: 11 }), start);
    const source = syntheticTileSource({ slides: 6 });
    const before = await createEncoder({ arch: "convnext_test", weights: start, threads: 2 });
    const bags = await bagsFromTiles(source, before);
    const weightsDir = path.join(dir, "weights");
    const res = await pretrain({
      bags: memoryBags(bags), tiles: source, weightsDir, backboneWeights: start, backboneShape: SHAPE,
      config: {
        seed: 2, threads: 2, aggregator: SMALL.aggregator, decoder: SMALL.decoder, logEverySteps: 1, saveEverySteps: 100,
        phase1: { epochs: 1, batchSlides: 3, warmupSteps: 1, lr: 1e-3 },
        phase2: { epochs: 1, tilesPerSlide: 8, tileSize: SIDE, warmupSteps: 1, lr: 1e-3 },
      },
    });
    expect(res.status).toBe("completed");
    expect(res.phase1Steps).toBe(2);
    expect(res.phase2Steps).toBe(6);
    const rows = await readLogRows(res.logJsonl);
    const p2 = rows.filter((r) => r.phase === 2);
    expect(p2.map((r) => r.epoch)).toEqual([2, 2, 2, 2, 2, 2]);
    expect(p2.every((r) => (r.tiles_per_s ?? 0) > 0 && r.tokens_per_s === null)).toBe(true);
    // the saved backbone is what @osfm/backbone loads, under the fingerprint we report
    const after = await createEncoder({ arch: "convnext_test", weights: res.backbonePath as string, threads: 2 });
    expect(after.fingerprint).toBe(res.backboneFingerprint);
    const info = JSON.parse(await readFile(path.join(weightsDir, "final", "backbone.json"), "utf8")) as { sha256: string };
    expect(info.sha256).toBe(res.backboneFingerprint);
    const reExtracted = await bagsFromTiles(source, after);
    let maxRel = 0;
    bags.forEach((b, i) => {
      const x = b.features05;
      const y = (reExtracted[i] as typeof b).features05;
      let num = 0;
      let den = 0;
      for (let k = 0; k < x.length; k++) {
        num += ((y[k] as number) - (x[k] as number)) ** 2;
        den += (x[k] as number) ** 2;
      }
      maxRel = Math.max(maxRel, Math.sqrt(num / den));
    });
    expect(maxRel).toBeGreaterThan(1e-3); // relative L2 change of a slide's features
    const diag = await runDiagnostics({ weightsDir, expectedSlides: 6 });
    const g4 = diag.report.gates.find((g) => g.id === "G4");
    expect(diag.report.backbone.verdict, diag.table).toBe("TRAINED");
    expect(g4?.status).toBe("PASS");
    expect(diag.report.gates.find((g) => g.id === "G3")?.status).toBe("PASS");
    await before.close();
    await after.close();
  });

  it("resumes exactly inside phase 2 with standardised tokens: stopped after 3 of 6 phase-2 steps, resumed, bitwise equal backbone and student", async () => {
    registerArchitecture("convnext_test", async () => convnextArchitecture(SHAPE, SIDE));
    const dir = tempDir("bm-p2r-");
    const start = path.join(dir, "start.safetensors");
    await saveBackbone(new TrainableConvNeXt(SHAPE, { seed: 11 }), start);
    const source = syntheticTileSource({ slides: 6 });
    const enc = await createEncoder({ arch: "convnext_test", weights: start, threads: 1 });
    const bags = memoryBags(await bagsFromTiles(source, enc));
    await enc.close();
    const config = {
      seed: 4, threads: 2, aggregator: SMALL.aggregator, decoder: SMALL.decoder, logEverySteps: 1, saveEverySteps: 2, standardizeTokens: true,
      phase1: { epochs: 1, batchSlides: 3, warmupSteps: 1, lr: 1e-3 },
      phase2: { epochs: 1, tilesPerSlide: 8, tileSize: SIDE, warmupSteps: 2, lr: 1e-3 },
    };
    const common = { bags, tiles: source, backboneWeights: start, backboneShape: SHAPE, config };
    const full = await pretrain({ ...common, weightsDir: path.join(dir, "a") });
    const stopped = await pretrain({ ...common, weightsDir: path.join(dir, "b"), stopAfterSteps: 5 });
    expect([stopped.status, stopped.phase1Steps, stopped.phase2Steps]).toEqual(["stopped", 2, 3]);
    const resumed = await pretrain({ ...common, weightsDir: path.join(dir, "b") });
    expect([resumed.status, resumed.phase1Steps, resumed.phase2Steps]).toEqual(["completed", 2, 6]);
    expect(resumed.backboneFingerprint).toBe(full.backboneFingerprint); // SHA-256 of the saved backbone bytes
    expect(resumed.studentFingerprint).toBe(full.studentFingerprint);
    const rows = (await readLogRows(resumed.logJsonl)).map((r) => `${r.phase}:${r.step}`);
    expect(rows).toEqual(["1:1", "1:2", "2:1", "2:2", "2:3", "2:4", "2:5", "2:6"]);
    // stopped inside phase 1 (its checkpoints carry no backbone), resumed through phase 2
    expect((await pretrain({ ...common, weightsDir: path.join(dir, "c"), stopAfterSteps: 2, config: { ...config, saveEverySteps: 1 } })).status).toBe("stopped");
    expect((await findLatestCheckpoint(path.join(dir, "c")))?.state.tag).toBe("p1-e01-s000001");
    const viaPhase1 = await pretrain({ ...common, weightsDir: path.join(dir, "c"), config: { ...config, saveEverySteps: 1 } });
    expect([viaPhase1.status, viaPhase1.phase1Steps, viaPhase1.phase2Steps]).toEqual(["completed", 2, 6]);
  });
});
