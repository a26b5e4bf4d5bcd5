import { describe, expect, it } from "vitest";
import { LogisticRegression, OrdinalLogisticAT, RidgeClassifier, StandardScaler, StatsInputError } from "../src/index";
import { loadReference, maxAbsDiff } from "./reference";

type M = number[][];
interface Data { X_train: M; y_train: number[]; X_test: M }
const ref = loadReference<{
  sklearn: string;
  datasets: Record<string, Data>;
  scaler: { X_train: M; X_test: M; mean: number[]; scale: number[]; transformed: M };
  logreg: { name: string; penalty: "l1" | "l2"; C: number; class_weight: "balanced" | null; data: string; proba: M; pred: number[]; coef: M; intercept: number[] }[];
  ridge: { name: string; alpha: number; class_weight: "balanced" | null; data: string; coef: M; intercept: number[]; decision: number[] | M; pred: number[] }[];
  ordinal: { name: string; alpha: number; X_train: M; y_train: number[]; X_test: M; coef: number[]; theta: number[]; pred: number[]; proba: M }[];
}>("probes.json");
const flat = (m: M | number[]): number[] => (m as unknown[]).flatMap((r) => (Array.isArray(r) ? r : [r as number]));

describe(`StandardScaler vs scikit-learn ${ref.sklearn}`, () => {
  it("mean, scale (constant column → 1) and transform within 1e-12", () => {
    const s = new StandardScaler().fit(ref.scaler.X_train);
    expect(maxAbsDiff(s.mean, ref.scaler.mean)).toBeLessThan(1e-12);
    expect(maxAbsDiff(s.scale, ref.scaler.scale)).toBeLessThan(1e-12);
    expect(maxAbsDiff(flat(s.transform(ref.scaler.X_test)), flat(ref.scaler.transformed))).toBeLessThan(1e-12);
    const back = StandardScaler.load(JSON.parse(JSON.stringify(s)));
    expect(back.transform(ref.scaler.X_test)).toEqual(s.transform(ref.scaler.X_test));
  });
});

describe(`LogisticRegression vs scikit-learn ${ref.sklearn} (lbfgs tol 1e-10; saga for L1)`, () => {
  for (const c of ref.logreg) {
    const tol = 1e-5; // acceptance is 1e-4; measured max 2.2e-7 (L2), 1.0e-7 (L1)
    it(`${c.name}: predict_proba within ${tol}, same predictions`, () => {
      const d = ref.datasets[c.data] as Data;
      const m = new LogisticRegression({ C: c.C, penalty: c.penalty, classWeight: c.class_weight ?? undefined, tol: 1e-10 }).fit(d.X_train, d.y_train);
      const proba = m.predictProba(d.X_test);
      expect(maxAbsDiff(flat(proba), flat(c.proba))).toBeLessThan(tol);
      expect(m.predict(d.X_test)).toEqual(c.pred);
      if (c.penalty === "l2") expect(maxAbsDiff(flat(m.coef.map((w) => Array.from(w))), flat(c.coef))).toBeLessThan(1e-4);
      const back = LogisticRegression.load(JSON.parse(JSON.stringify(m.toJSON())));
      expect(back.predictProba(d.X_test)).toEqual(proba);
    });
  }
});

describe(`RidgeClassifier vs scikit-learn ${ref.sklearn}`, () => {
  for (const c of ref.ridge) {
    it(`${c.name}: coefficients and intercepts within 1e-8, same predictions`, () => {
      const d = ref.datasets[c.data] as Data;
      const m = new RidgeClassifier({ alpha: c.alpha, classWeight: c.class_weight ?? undefined }).fit(d.X_train, d.y_train);
      expect(maxAbsDiff(flat(m.coef.map((w) => Array.from(w))), flat(c.coef))).toBeLessThan(1e-8);
      expect(maxAbsDiff(m.intercept, c.intercept)).toBeLessThan(1e-8);
      expect(maxAbsDiff(flat(m.decisionFunction(d.X_test)), flat(c.decision))).toBeLessThan(1e-8);
      expect(m.predict(d.X_test)).toEqual(c.pred);
      const back = RidgeClassifier.load(JSON.parse(JSON.stringify(m)));
      expect(back.predict(d.X_test)).toEqual(c.pred);
    });
  }
});

describe("OrdinalLogisticAT vs a transcription of mord 0.7 LogisticAT (SciPy L-BFGS-B)", () => {
  for (const c of ref.ordinal) {
    it(`${c.name}: same predictions, probabilities within 1e-5, weights and thresholds within 1e-4`, () => {
      const m = new OrdinalLogisticAT({ alpha: c.alpha }).fit(c.X_train, c.y_train);
      expect(m.predict(c.X_test)).toEqual(c.pred);
      expect(maxAbsDiff(flat(m.predictProba(c.X_test)), flat(c.proba))).toBeLessThan(1e-5);
      expect(maxAbsDiff(m.coef, c.coef)).toBeLessThan(1e-4);
      expect(maxAbsDiff(m.theta, c.theta)).toBeLessThan(1e-4);
      const back = OrdinalLogisticAT.load(JSON.parse(JSON.stringify(m)));
      expect(back.predict(c.X_test)).toEqual(c.pred);
    });
  }
});

describe("probe input errors", () => {
  it("NaN features, mismatched lengths, one class, wrong width, unfitted, foreign JSON", () => {
    expect(() => new LogisticRegression().fit([[0], [Number.NaN]], [0, 1])).toThrow(/finite/);
    expect(() => new LogisticRegression().fit([[0], [1]], [0])).toThrow(StatsInputError);
    expect(() => new LogisticRegression().fit([[0], [1]], [1, 1])).toThrow(/at least 2 classes/);
    expect(() => new RidgeClassifier().fit([[0], [1]], [0, 0.5])).toThrow(/integer/);
    const m = new LogisticRegression().fit([[0], [1], [2], [3]], [0, 0, 1, 1]);
    expect(() => m.predict([[1, 2]])).toThrow(/expected 1 features/);
    expect(() => new OrdinalLogisticAT().predict([[1]])).toThrow(/fit\(\)/);
    expect(() => RidgeClassifier.load(m.toJSON())).toThrow(/expected type "RidgeClassifier"/);
    expect(() => new LogisticRegression({ classWeight: { 7: 2 } }).fit([[0], [1]], [0, 1])).toThrow(/label 7/);
  });
});

describe("LogisticRegression worker threads", () => {
  it("splitting the loss over a worker thread gives the same fit (SIMD: bit for bit; scalar: |Δcoef| ≤ 1e-9)", () => {
    const n = 1200;
    const d = 12;
    const k = 5;
    const y = Array.from({ length: n }, (_, i) => i % k);
    const X = y.map((c, i) => Array.from({ length: d }, (_, j) => (j === c ? 1 : 0) + Math.sin(i * 12.9898 + j * 78.233) * 0.8));
    const a = new LogisticRegression({ tol: 1e-9 }).fit(X, y);
    const b = new LogisticRegression({ tol: 1e-9, threads: 1 }).fit(X, y);
    const diff = Math.max(...a.coef.flatMap((w, c) => Array.from(w, (v, j) => Math.abs(v - b.coef[c]![j]!))));
    expect(diff).toBeLessThan(1e-9);
    if (a.simdUsed && b.simdUsed) expect(diff).toBe(0);
    expect(a.threadsUsed).toBe(1);
    expect(b.threadsUsed).toBe(2);
    expect(() => new LogisticRegression({ threads: -1 })).toThrow(StatsInputError);
  });
});
