import { cohenKappa, stratifiedKFold } from "@osfm/stats";
import { describe, expect, it } from "vitest";
import { crossValidateGrading, type GradingCohort } from "../src/grading-cv";
import { synthPandaCohort } from "./synth-panda";

/**
 * Issue #8 acceptance: on a @osfm/synth PANDA-like cohort with @osfm/backbone features, the grading model
 * learns — its OOF quadratic-weighted kappa is clearly above runs with shuffled labels (same bags, folds,
 * seeds and schedule). Features come from a seeded random ConvNeXt-Tiny (no ImageNet weights offline),
 * so the signal is the synthetic Gleason patterns' texture and architecture, not colour per grade (both
 * providers cover every grade).
 *
 * One shuffled-label run is a single draw from the null: with 48 biopsies its κ ranged from −0.07 to 0.31
 * over shuffles and schedules. So the test compares the mean over two CV seeds with real labels against
 * the mean over three label shuffles.
 */
const qwk = (a: readonly number[], b: readonly number[]) => cohenKappa(a, b, { weights: "quadratic", labels: [0, 1, 2, 3, 4, 5] });

async function oofKappa(cohort: GradingCohort, seed: number): Promise<number> {
  const res = await crossValidateGrading(cohort, qwk, {
    split: (strata, o) => stratifiedKFold(strata, o),
    seeds: [seed],
    nFolds: 4,
    innerSplits: 3,
    // the paper's widths except a smaller block (the input must stay 768-d); same code path as the full model
    config: { heads: 4, ffnDim: 256, scorerHidden: 96, fusionDim: 128 },
    epochs: 15,
    batchSize: 8,
    lr: 1e-3,
    warmupEpochs: 1,
    patience: 15,
    // random-init ConvNeXt features share a large offset: standardise them per training fold
    standardize: true,
  });
  return qwk(cohort.labels, res.ensemblePred);
}

/** Labels permuted within each provider (seeded Fisher–Yates), so a control keeps the provider × grade balance. */
function shuffledWithinProvider(cohort: GradingCohort, seed: number): number[] {
  const shuffled = [...cohort.labels];
  let state = seed;
  const rand = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  for (const provider of new Set(cohort.providers)) {
    const idx = cohort.providers.flatMap((p, i) => (p === provider ? [i] : []));
    for (let k = idx.length - 1; k > 0; k--) {
      const j = Math.floor(rand() * (k + 1));
      const [a, b] = [idx[k] as number, idx[j] as number];
      [shuffled[a], shuffled[b]] = [shuffled[b] as number, shuffled[a] as number];
    }
  }
  return shuffled;
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe("attention-MIL grading on a synthetic PANDA-like cohort", () => {
  it("learns: OOF QWK well above shuffled-label controls", async () => {
    const cohort = await synthPandaCohort({ images: 48, sizeUm: [3000, 1200], tiles05: 16, tiles20: 4, seed: 77 });
    expect(cohort.bags.every((b) => b.features05.length === 16 * 768 && b.features20.length > 0)).toBe(true);
    const real: number[] = [];
    for (const seed of [42, 777]) real.push(await oofKappa(cohort, seed));
    const control: number[] = [];
    for (const shuffleSeed of [12345, 1, 2]) {
      const labels = shuffledWithinProvider(cohort, shuffleSeed);
      // a shuffle that kept the grades in place would not be a control
      expect(Math.abs(qwk(cohort.labels, labels))).toBeLessThan(0.3);
      control.push(await oofKappa({ ...cohort, labels }, 42));
    }
    const f = (xs: number[]) => xs.map((x) => x.toFixed(3)).join(", ");
    console.log(`synthetic PANDA grading OOF QWK: real labels [${f(real)}], shuffled [${f(control)}]`);
    // seen here: real [0.456, 0.473], shuffled [0.034, 0.022, 0.035] (−0.074 for the third in another run: threads reorder sums) (48 images, 36 per training fold)
    expect(mean(real)).toBeGreaterThan(0.3);
    expect(Math.min(...real)).toBeGreaterThan(0.2);
    expect(mean(real) - mean(control)).toBeGreaterThan(0.25);
  }, 600_000);
});
