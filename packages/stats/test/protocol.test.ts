import { describe, expect, it } from "vitest";
import {
  aggregateByPatient, alignProba, argmaxLabels, bootstrapCi, camelyonCenter, camelyonPatientId, cohenKappa, leaveOneCenterOut,
  LogisticRegression, mapFolds, metricsByGroup, nestedCv, nestedLeaveOneCenterOut, OofCollector, OrdinalLogisticAT, parsePnStage, repeatedSplits, RidgeClassifier,
  rocAucOvr, StandardScaler, StatsInputError, stratifiedGroupKFold, summarize, take, tcgaPatientId, tcgaTissueSourceSite, accuracyStatistic,
} from "../src/index";

/** Deterministic pseudo-random numbers for synthetic cohorts (xorshift). */
function rand(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
}

describe("TCGA barcodes", () => {
  it("patient and tissue source site from slide ids", () => {
    expect(tcgaPatientId("TCGA-A2-A0T2-01Z-00-DX1.93B1C2F4")).toBe("TCGA-A2-A0T2");
    expect(tcgaPatientId("tcga-05-4244-01a-01-bs1")).toBe("TCGA-05-4244");
    expect(tcgaTissueSourceSite("TCGA-A2-A0T2-01Z")).toBe("A2");
    expect(() => tcgaPatientId("slide_001")).toThrow(StatsInputError);
    expect(() => tcgaTissueSourceSite("TCGA")).toThrow(/tissue-source-site/);
  });
  it("mean (TCGA) and max (CAMELYON17) aggregation per patient", () => {
    const ids = ["TCGA-A2-A0T2-01Z-DX1", "TCGA-A2-A0T2-01Z-DX2", "TCGA-B6-A0RH-01Z-DX1"];
    const v = [[1, 4], [3, 0], [5, 5]];
    const mean = aggregateByPatient(ids, v, tcgaPatientId, "mean");
    expect(mean.patients).toEqual(["TCGA-A2-A0T2", "TCGA-B6-A0RH"]);
    expect(mean.vectors.map((x) => Array.from(x))).toEqual([[2, 2], [5, 5]]);
    expect(aggregateByPatient(ids, v, tcgaPatientId, "max").vectors.map((x) => Array.from(x))).toEqual([[3, 4], [5, 5]]);
    expect(() => aggregateByPatient(ids, [[1, 2], [Number.NaN, 1], [0, 0]], tcgaPatientId)).toThrow(/non-finite/);
  });
});

describe("CAMELYON17 labels and centers", () => {
  it("pN parsing follows NB09's rule", () => {
    expect(["pN0", "pN0(i+)", "pN1mi", "pN1", "pN2", "pN3", "PN 2", "2"].map(parsePnStage)).toEqual([0, 0, 1, 1, 2, 3, 2, 2]);
    expect(["negative", "itc", "micro", "macro", "", "pN4"].map(parsePnStage)).toEqual([null, null, null, null, null, null]);
    expect(camelyonPatientId("center_2/patient_017_node_3.tif")).toBe("patient_017");
    expect(camelyonCenter("data/center_2/patient_017_node_3.tif")).toBe(2);
    expect(camelyonCenter("4")).toBe(4);
    expect(camelyonCenter("unknown")).toBeNull();
  });
  it("leave-one-center-out keeps unknown-center patients in training only", () => {
    const folds = leaveOneCenterOut([0, 1, -1, 2, 1, 0]);
    expect(folds.map((f) => f.center)).toEqual([0, 1, 2]);
    expect(Array.from(folds[1]!.test)).toEqual([1, 4]);
    for (const f of folds) expect(Array.from(f.train)).toContain(2);
    expect(() => leaveOneCenterOut([3, 3, -1])).toThrow(/2 known centers/);
  });
});

describe("per-group tables, fold summaries, OOF across seeds", () => {
  it("metricsByGroup gives NaN with a reason where a metric is undefined", () => {
    const y = [0, 1, 0, 1, 1, 1];
    const p = [[0.8, 0.2], [0.3, 0.7], [0.6, 0.4], [0.4, 0.6], [0.2, 0.8], [0.1, 0.9]];
    const g = ["A", "A", "A", "A", "B", "B"];
    const rows = metricsByGroup(g, {
      auroc: (idx) => rocAucOvr(take(y, idx), take(p, idx)),
      n1: (idx) => take(y, idx).filter((v) => v === 1).length,
    });
    expect(rows.map((r) => r.group)).toEqual(["A", "B", "all"]);
    expect(rows[0]!.values.auroc).toBe(1);
    expect(rows[1]!.values.auroc).toBeNaN();
    expect(rows[1]!.undefinedReasons.auroc).toMatch(/class 0/);
    expect(rows[2]!.values.n1).toBe(4);
    const s = summarize([0.8, 0.9, Number.NaN, 1.0]);
    expect(s.mean).toBeCloseTo(0.9, 12);
    expect(s.sd).toBeCloseTo(0.1, 12);
    expect(s.nNaN).toBe(1);
  });
  it("OofCollector keeps every seed, refuses doubled or missing samples, averages seeds", () => {
    const oof = new OofCollector(3, 2);
    oof.add(1, 0, [0, 2], [[0.9, 0.1], [0.2, 0.8]]);
    expect(() => oof.seedProba(1)).toThrow(/sample 1/);
    expect(() => oof.add(1, 1, [2], [[0.5, 0.5]])).toThrow(/already has a prediction/);
    oof.add(1, 1, [1], [[0.4, 0.6]]);
    oof.add(2, 0, [0, 1, 2], [[0.7, 0.3], [0.6, 0.4], [0.0, 1.0]]);
    expect(oof.seedList).toEqual([1, 2]);
    const m = oof.meanProba();
    expect(m[0]![0]).toBeCloseTo(0.8, 14);
    expect(argmaxLabels(m, [0, 1])).toEqual([0, 0, 1]);
    expect(alignProba([[0.3, 0.7]], [1, 3], [0, 1, 2, 3])).toEqual([[0, 0.3, 0, 0.7]]);
    expect(() => alignProba([[1]], [5], [0, 1])).toThrow(/not in labels/);
  });
});

/** A CAMELYON17-like cohort: 5 centers × 20 patients, 6 features, pN 0–3 from a latent score plus center shifts. */
function cam17Cohort() {
  const r = rand(17);
  const X: number[][] = [];
  const y: number[] = [];
  const center: number[] = [];
  for (let c = 0; c < 5; c++) {
    for (let i = 0; i < 20; i++) {
      const x = Array.from({ length: 6 }, () => r() * 2 - 1 + c * 0.1);
      const z = 1.5 * x[0]! - x[1]! + 0.5 * x[2]! + (r() - 0.5) * 0.6;
      X.push(x);
      y.push(z < -0.6 ? 0 : z < 0.3 ? 1 : z < 1.0 ? 2 : 3);
      center.push(c);
    }
  }
  return { X, y, center };
}

describe("nested leave-one-center-out model selection (NB09 done honestly)", () => {
  it("selects on inner centers only and reports QWK on the held-out center", () => {
    const { X, y, center } = cam17Cohort();
    type Cand = { model: "ordinal" | "logreg_l2" | "ridge"; C: number };
    const candidates: Cand[] = [];
    for (const model of ["ordinal", "logreg_l2", "ridge"] as const) for (const C of [0.1, 1, 10]) candidates.push({ model, C });
    const predict = (c: Cand, train: Int32Array, test: Int32Array): number[] => {
      const sc = new StandardScaler().fit(take(X, train));
      const xtr = sc.transformDense(take(X, train));
      const xte = sc.transformDense(take(X, test));
      const ytr = take(y, train);
      if (c.model === "ordinal") return new OrdinalLogisticAT({ alpha: 1 / c.C }).fit(xtr, ytr).predict(xte);
      if (c.model === "ridge") return new RidgeClassifier({ alpha: 1 / c.C, classWeight: "balanced" }).fit(xtr, ytr).predict(xte);
      return new LogisticRegression({ C: c.C, classWeight: "balanced", tol: 1e-6 }).fit(xtr, ytr).predict(xte);
    };
    const qwk = (c: Cand, train: Int32Array, test: Int32Array): number => cohenKappa(take(y, test), predict(c, train, test), { weights: "quadratic" });
    const outer = leaveOneCenterOut(center);
    const seenByScore: number[] = [];
    const results = nestedCv({
      outer,
      inner: (tr) => mapFolds(tr, leaveOneCenterOut(take(center, tr))),
      candidates,
      score: (c, train, test) => {
        seenByScore.push(...test);
        return qwk(c, train, test);
      },
      evaluate: (c, train, test) => ({ kappa: qwk(c, train, test), pred: predict(c, train, test), test }),
    });
    expect(results).toHaveLength(5);
    // each outer fold's selection never scored on that fold's test center
    for (const r of results) {
      expect(r.innerScores).toHaveLength(candidates.length);
      expect(r.result.kappa).toBeGreaterThan(0.5);
    }
    const pooledTrue: number[] = [];
    const pooledPred: number[] = [];
    for (const r of results) {
      pooledTrue.push(...take(y, r.result.test));
      pooledPred.push(...r.result.pred);
    }
    expect(cohenKappa(pooledTrue, pooledPred, { weights: "quadratic" })).toBeGreaterThan(0.6);
    expect(seenByScore.length).toBeGreaterThan(0);
    expect(() =>
      nestedCv({ outer, inner: () => [{ train: outer[0]!.test, test: outer[0]!.train }], candidates, score: qwk }),
    ).toThrow(/uses outer test sample/);
    // the one-call helper gives the same selections
    const viaHelper = nestedLeaveOneCenterOut(center, { candidates, score: qwk });
    expect(viaHelper.map((r) => r.center)).toEqual([0, 1, 2, 3, 4]);
    expect(viaHelper.map((r) => r.selectedIndex)).toEqual(results.map((r) => r.selectedIndex));
    expect(viaHelper.map((r) => r.result)).toEqual(results.map((r) => r.result.kappa));
  });
});

describe("TCGA-style protocol: SGKF by TSS over seeds, scaler + logistic probe, OOF per seed, patient bootstrap", () => {
  it("runs end to end with every seed's OOF kept", () => {
    const r = rand(5);
    const n = 240;
    const k = 4;
    const tss = Array.from({ length: n }, (_, i) => `T${i % 24}`);
    const y = Array.from({ length: n }, (_, i) => (i * 7) % k);
    const X = y.map((c) => Array.from({ length: 8 }, (_, j) => (j === c ? 0.6 : 0) + r() - 0.5));
    const folds = repeatedSplits([42, 123, 456], (seed) => stratifiedGroupKFold(y, tss, { nSplits: 5, shuffle: true, seed }));
    const oof = new OofCollector(n, k);
    for (const f of folds) {
      const sc = new StandardScaler().fit(take(X, f.train));
      const m = new LogisticRegression({ C: 1, tol: 1e-6 }).fit(sc.transformDense(take(X, f.train)), take(y, f.train));
      oof.add(f.seed, f.fold, f.test, alignProba(m.predictProba(sc.transformDense(take(X, f.test))), m.classes, [0, 1, 2, 3]));
    }
    expect(oof.seedList).toEqual([42, 123, 456]);
    const ens = oof.meanProba();
    expect(rocAucOvr(y, ens)).toBeGreaterThan(0.75);
    const ci = bootstrapCi(accuracyStatistic, { yTrue: y, yPred: argmaxLabels(ens, [0, 1, 2, 3]) }, { groups: tss, nResamples: 200, seed: 42 });
    expect(ci.low).toBeLessThanOrEqual(ci.estimate);
    expect(ci.high).toBeGreaterThanOrEqual(ci.estimate);
    expect(ci.high - ci.low).toBeGreaterThan(0);
  });
});

describe("PANDA threshold-wise metrics (NB12)", () => {
  it("scores grade ≥ t with the upper probability mass; undefined cuts are NaN", async () => {
    const { ordinalThresholdMetrics, rocAuc: auc } = await import("../src/index");
    const y = [0, 1, 2, 2, 1, 0];
    const p = [[0.7, 0.2, 0.1], [0.2, 0.5, 0.3], [0.1, 0.2, 0.7], [0.3, 0.3, 0.4], [0.5, 0.4, 0.1], [0.6, 0.3, 0.1]];
    const [t1, t2] = ordinalThresholdMetrics(y, p, [1, 2]);
    expect(t1!.prevalence).toBeCloseTo(4 / 6, 15);
    expect(t1!.auroc).toBe(auc(y.map((v) => (v >= 1 ? 1 : 0)), p.map((r) => r[1]! + r[2]!)));
    expect(t2!.auroc).toBe(1);
    const [t3] = ordinalThresholdMetrics([0, 0, 0], [[1, 0, 0], [0.5, 0.5, 0], [0.2, 0.4, 0.4]], [2]);
    expect(t3!.auroc).toBeNaN();
    expect(() => ordinalThresholdMetrics(y, p, [3])).toThrow(/threshold 3/);
  });
});
