import { cohenKappa, stratifiedKFold } from "@osfm/stats";
import { Rng } from "@osfm/nn";
import { describe, expect, it } from "vitest";
import { crossValidateGrading, type GradingCohort, oofCsv } from "./grading-cv";

const DIM = 16;
function cohort(n: number): GradingCohort {
  const rng = new Rng(5);
  const bags = [];
  const labels: number[] = [];
  const providers: string[] = [];
  for (let s = 0; s < n; s++) {
    const grade = s % 6;
    const f = (count: number) => Float32Array.from({ length: count * DIM }, (_, i) => rng.normal() * 0.5 + (i % DIM < 4 ? grade / 2.5 : 0));
    bags.push({ slideId: `p${s}`, features05: f(24), coords05: new Float32Array(48), features20: f(8), coords20: new Float32Array(16) });
    labels.push(grade);
    providers.push(s % 2 ? "radboud" : "karolinska");
  }
  return { ids: bags.map((b) => b.slideId), bags, labels, providers };
}

describe("crossValidateGrading", () => {
  it("gives every slide an OOF prediction per seed, from a model that never saw it, and ensembles seeds", async () => {
    const data = cohort(60);
    const folds: { seed: number; fold: number; bestEpoch: number }[] = [];
    const res = await crossValidateGrading(data, (a, b) => cohenKappa(a, b, { weights: "quadratic" }), {
      split: (strata, o) => stratifiedKFold(strata, o),
      seeds: [42, 777],
      nFolds: 3,
      innerSplits: 4,
      config: { dim: DIM, heads: 2, ffnDim: 32, scorerHidden: 16, fusionDim: 16 },
      epochs: 20,
      batchSize: 10,
      lr: 2e-3,
      warmupEpochs: 1,
      emaDecay: 0.9,
      patience: 20,
      onFold: (f) => folds.push(f),
    });
    expect(folds).toHaveLength(6);
    for (const oof of res.oofBySeed) expect(oof.every(Number.isFinite)).toBe(true);
    // different seeds give different fold assignments
    expect(Array.from(res.foldBySeed[0] ?? [])).not.toEqual(Array.from(res.foldBySeed[1] ?? []));
    for (let i = 0; i < res.ensemble.length; i++) {
      expect(res.ensemble[i]).toBeCloseTo(((res.oofBySeed[0]?.[i] as number) + (res.oofBySeed[1]?.[i] as number)) / 2, 12);
    }
    const qwk = cohenKappa(data.labels, res.ensemblePred, { weights: "quadratic" });
    expect(qwk).toBeGreaterThan(0.5);
    const csv = oofCsv(data, res.ensemble).trim().split("\n");
    expect(csv[0]).toBe("image_id,true_isup,pred_isup,prob_0,prob_1,prob_2,prob_3,prob_4,prob_5,data_provider");
    expect(csv).toHaveLength(61);
  }, 300_000);
});
