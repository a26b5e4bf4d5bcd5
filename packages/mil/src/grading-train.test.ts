import { cohenKappa } from "@osfm/stats";
import { Rng } from "@osfm/nn";
import { describe, expect, it } from "vitest";
import { classWeights, smoothedTargets } from "./grading-loss";
import { AttentionMil } from "./grading-model";
import { type GradingSet, predictGrades, trainGrading } from "./grading-train";
import type { SlideBag } from "./types";

const DIM = 16;
const qwk = (a: readonly number[], b: readonly number[]) => cohenKappa(a, b, { weights: "quadratic" });
const small = { dim: DIM, heads: 2, ffnDim: 32, scorerHidden: 16, fusionDim: 16 };

/** Bags whose grade shows in a few "tumour" tokens: a direction in feature space scaled by the grade. */
function cohort(n: number, seed: number): GradingSet {
  const rng = new Rng(seed);
  const bags: SlideBag[] = [];
  const labels: number[] = [];
  for (let s = 0; s < n; s++) {
    const grade = s % 6;
    const tokens = (count: number, strength: number) => {
      const f = new Float32Array(count * DIM);
      for (let t = 0; t < count; t++) {
        const tumour = rng.uniform() < 0.3;
        for (let d = 0; d < DIM; d++) f[t * DIM + d] = rng.normal() * 0.5 + (tumour && d < 4 ? (grade * strength) / 5 : 0);
      }
      return f;
    };
    const n05 = 20 + Math.floor(rng.uniform() * 20);
    const n20 = 6 + Math.floor(rng.uniform() * 6);
    bags.push({ slideId: `s${s}`, features05: tokens(n05, 1.5), coords05: new Float32Array(2 * n05), features20: tokens(n20, 1), coords20: new Float32Array(2 * n20) });
    labels.push(grade);
  }
  return { bags, labels };
}

describe("trainGrading", () => {
  it("learns the grade signal well above a shuffled-label control (QWK on held-out bags)", async () => {
    const train = cohort(96, 1);
    const validation = cohort(30, 2);
    const test = cohort(60, 3);
    const options = { config: small, epochs: 25, batchSize: 12, lr: 2e-3, warmupEpochs: 1, emaDecay: 0.9, patience: 25, seed: 7 };
    const real = await trainGrading(train, validation, qwk, options);
    const shuffled = [...train.labels];
    const rng = new Rng(99);
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = Math.floor(rng.uniform() * (i + 1));
      [shuffled[i], shuffled[j]] = [shuffled[j] as number, shuffled[i] as number];
    }
    const control = await trainGrading({ bags: train.bags, labels: shuffled }, validation, qwk, options);
    const realQwk = qwk(test.labels, (await predictGrades(real.model, test.bags)).pred);
    const controlQwk = qwk(test.labels, (await predictGrades(control.model, test.bags)).pred);
    console.info(`grading QWK: real ${realQwk.toFixed(3)}, shuffled-label control ${controlQwk.toFixed(3)}`);
    expect(realQwk).toBeGreaterThan(0.6);
    expect(realQwk - controlQwk).toBeGreaterThan(0.4);
    expect(real.history[0]?.trainLoss).toBeGreaterThan(real.history.at(-1)?.trainLoss as number);
  }, 300_000);

  it("EMA warm-up: a short run is evaluated with trained weights, not the initialisation (constant decay stays ≈ init)", async () => {
    const train = cohort(24, 4);
    const probe = cohort(12, 5);
    const base = { config: small, epochs: 3, batchSize: 8, lr: 2e-3, warmupEpochs: 1, patience: 3, seed: 11, augment: false as const };
    const init = AttentionMil.create({ seed: 11, config: small });
    const p0 = (await predictGrades(init, probe.bags, 12)).proba;
    const gap = async (emaWarmup: boolean) => {
      const r = await trainGrading(train, probe, qwk, { ...base, emaWarmup });
      const p = (await predictGrades(r.model, probe.bags, 12)).proba;
      await r.model.release();
      return Math.max(...Array.from(p, (v, i) => Math.abs(v - (p0[i] as number))));
    };
    const constant = await gap(false);
    const warm = await gap(true);
    // 9 steps at 0.999: the EMA has moved ~1 % of the way; with warm-up it follows the student
    expect(constant).toBeLessThan(0.02);
    expect(warm).toBeGreaterThan(5 * constant);
    await init.release();
  });

  it("rejects labels outside 0..5", async () => {
    const set = cohort(6, 4);
    await expect(trainGrading({ bags: set.bags, labels: [0, 1, 2, 3, 4, 9] }, set, qwk, { config: small, epochs: 1 })).rejects.toThrow(/grade 9/);
  });
});

describe("loss inputs", () => {
  it("class weights are (1/f)/mean(1/f) and smoothed targets sum to 1", () => {
    const w = classWeights([0, 0, 0, 1], 2); // f = 0.75, 0.25 → 1/f = 4/3, 4 → mean 8/3
    expect(w[0]).toBeCloseTo(0.5, 12);
    expect(w[1]).toBeCloseTo(1.5, 12);
    const t = smoothedTargets([2], 6, 0.05);
    expect(t[2]).toBeCloseTo(0.95 + 0.05 / 6, 6);
    expect(t.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
  });
});
