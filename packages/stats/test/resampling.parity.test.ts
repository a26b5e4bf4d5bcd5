import { describe, expect, it } from "vitest";
import {
  accuracyStatistic, adjustPValues, bootstrapCi, correctedResampledTTest, delongTest, normalCdf, normalQuantile,
  ovrAurocStatistic, pairedBootstrap, pairedTTest, rocAuc, StatsInputError, studentTSf, withCounts,
} from "../src/index";
import { loadReference, maxAbsDiff } from "./reference";

interface Boot { name: string; seed: number; n_resamples: number; accuracy: number[]; ovr_auc: number[]; mean_p0: number[]; strat: number[] | null; acc_ci: number[]; bca_levels?: number[]; bca_ci?: number[] }
const ref = loadReference<{
  scipy: string;
  special: { ndtr: number[][]; ndtri: number[][]; t_sf: number[][] };
  data: { y: number[]; pred: number[]; probs: number[][]; groups: number[] };
  bootstrap: Boot[];
  delong: { y: number[]; a: number[]; b: number[]; auc_a: number; auc_b: number; variance: number; z: number; p: number }[];
  ttests: { a: number[]; b: number[]; n_train: number; n_test: number; rel_t: number; rel_p: number; corr_t: number; corr_p: number }[];
  padjust: { p: number[]; bonferroni: number[]; holm: number[] }[];
}>("resampling.json");

const rel = (a: number, b: number): number => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);

describe(`special functions vs SciPy ${ref.scipy}`, () => {
  it("normal CDF, quantile and Student t tail agree to 1e-13 relative", () => {
    for (const [z, v] of ref.special.ndtr) expect(rel(normalCdf(z!), v!)).toBeLessThan(1e-13);
    for (const [p, v] of ref.special.ndtri) expect(rel(normalQuantile(p!), v!)).toBeLessThan(1e-13);
    for (const [t, df, v] of ref.special.t_sf) expect(rel(studentTSf(t!, df!), v!)).toBeLessThan(1e-12);
  });
});

describe("bootstrap reproduces NumPy's RandomState resamples exactly", () => {
  const { y, pred, probs, groups } = ref.data;
  const meanP0 = withCounts(
    (d: { p: number[] }) => d.p.reduce((s, v) => s + v, 0) / d.p.length,
    (d: { p: number[] }) => (c) => {
      let s = 0;
      let m = 0;
      for (let i = 0; i < c.length; i++) {
        s += (c[i] as number) * (d.p[i] as number);
        m += c[i] as number;
      }
      return s / m;
    },
  );
  for (const b of ref.bootstrap) {
    it(`${b.name}: accuracy, sklearn OvR AUROC and mean per resample (|Δ| ≤ 1e-12), percentile CI`, () => {
      const opts = { nResamples: b.n_resamples, seed: b.seed, groups: b.name.includes("groups") ? groups : undefined, stratify: b.strat ?? undefined };
      const acc = bootstrapCi(accuracyStatistic, { yTrue: y, yPred: pred }, opts);
      expect(maxAbsDiff(acc.distribution, b.accuracy)).toBeLessThanOrEqual(1e-12);
      expect(maxAbsDiff([acc.low, acc.high], b.acc_ci)).toBeLessThanOrEqual(1e-12);
      const auc = bootstrapCi(ovrAurocStatistic, { yTrue: y, probs }, opts);
      expect(maxAbsDiff(auc.distribution, b.ovr_auc)).toBeLessThanOrEqual(1e-12);
      expect(auc.nInvalid).toBe(b.ovr_auc.filter(Number.isNaN).length);
      // the slow path (no counts fast path) draws the same resamples
      const slow = bootstrapCi((d: { yTrue: number[]; yPred: number[] }) => accuracyStatistic(d), { yTrue: y, yPred: pred }, opts);
      expect(maxAbsDiff(slow.distribution, b.accuracy)).toBeLessThanOrEqual(1e-12);
      if (b.bca_ci) {
        const bca = bootstrapCi(meanP0, { p: probs.map((r) => r[0] as number) }, { ...opts, method: "bca" });
        expect(maxAbsDiff(bca.distribution, b.mean_p0)).toBeLessThanOrEqual(1e-12);
        expect(maxAbsDiff([bca.low, bca.high], b.bca_ci)).toBeLessThanOrEqual(1e-12);
      }
    });
  }
  it("paired bootstrap: identical models differ by 0 with p = 1; a better model gets p < 0.05", () => {
    const noisy = pred.map((p, i) => (i % 3 === 0 ? (p + 1) % 4 : p));
    const data = { yTrue: y, a: pred, b: noisy };
    const sA = (d: { yTrue: number[]; a: number[] }) => accuracyStatistic({ yTrue: d.yTrue, yPred: d.a });
    const sB = (d: { yTrue: number[]; b: number[] }) => accuracyStatistic({ yTrue: d.yTrue, yPred: d.b });
    const same = pairedBootstrap(sA, sA, data, { nResamples: 200, seed: 1 });
    expect(same.low).toBe(0);
    expect(same.pValue).toBe(1);
    const diff = pairedBootstrap(sA, sB, data, { nResamples: 300, seed: 1, groups });
    expect(diff.estimate).toBeGreaterThan(0.1);
    expect(diff.low).toBeGreaterThan(0);
    expect(diff.pValue).toBeLessThan(0.05);
  });
  it("bad input: NaN estimate, mismatched columns, groups spanning strata", () => {
    expect(() => bootstrapCi(accuracyStatistic, { yTrue: [0, 1], yPred: [0] })).toThrow(StatsInputError);
    expect(() => bootstrapCi(ovrAurocStatistic, { yTrue: [0, 0, 1], probs: [[0.5, 0.5], [0.4, 0.6], [0.2, 0.8]] }, { nResamples: 5 })).not.toThrow();
    expect(() => bootstrapCi(ovrAurocStatistic, { yTrue: [0, 0, 0], probs: [[0.5, 0.5], [0.4, 0.6], [0.2, 0.8]] })).toThrow(/NaN on the original/);
    expect(() => bootstrapCi(accuracyStatistic, { yTrue: [0, 1, 1], yPred: [0, 1, 1] }, { groups: [1, 1, 2], stratify: [0, 1, 1] })).toThrow(/spans two strata/);
  });
});

describe("DeLong test vs the O(m·n) structural-components definition", () => {
  ref.delong.forEach((c, i) => {
    it(`case ${i}: AUCs equal sklearn-style rocAuc, variance and p within 1e-12`, () => {
      const r = delongTest(c.y, c.a, c.b);
      expect(Math.abs(r.aucA - c.auc_a)).toBeLessThan(1e-12);
      expect(Math.abs(r.aucA - rocAuc(c.y, c.a))).toBeLessThan(1e-12);
      expect(Math.abs(r.aucB - c.auc_b)).toBeLessThan(1e-12);
      expect(rel(r.variance, c.variance)).toBeLessThan(1e-10);
      expect(Math.abs(r.pValue - c.p)).toBeLessThan(1e-12);
    });
  });
  it("rejects a single-class problem", () => {
    expect(() => delongTest([1, 1, 1, 0], [0.1, 0.2, 0.3, 0.4], [0.1, 0.2, 0.3, 0.4])).toThrow(StatsInputError);
  });
});

describe("t-tests vs SciPy and multiplicity adjustment", () => {
  ref.ttests.forEach((c, i) => {
    it(`case ${i}: ttest_rel and Nadeau–Bengio corrected t (relative 1e-10)`, () => {
      const p = pairedTTest(c.a, c.b);
      expect(rel(p.t, c.rel_t)).toBeLessThan(1e-10);
      expect(rel(p.pValue, c.rel_p)).toBeLessThan(1e-10);
      const q = correctedResampledTTest(c.a, c.b, { nTrain: c.n_train, nTest: c.n_test });
      expect(rel(q.t, c.corr_t)).toBeLessThan(1e-10);
      expect(rel(q.pValue, c.corr_p)).toBeLessThan(1e-10);
      expect(q.pValue).toBeGreaterThan(p.pValue);
    });
  });
  it("Bonferroni and Holm", () => {
    for (const c of ref.padjust) {
      expect(maxAbsDiff(adjustPValues(c.p, "bonferroni"), c.bonferroni)).toBeLessThan(1e-15);
      expect(maxAbsDiff(adjustPValues(c.p, "holm"), c.holm)).toBeLessThan(1e-15);
    }
    expect(() => adjustPValues([0.2, Number.NaN])).toThrow(StatsInputError);
  });
});
