import { describe, expect, it } from "vitest";
import {
  accuracy, averagePrecision, balancedAccuracy, cohenKappa, confusionMatrix, expectedCalibrationError,
  f1Score, precisionRecallF1, rocAuc, rocAucOvr, rocCurve, StatsInputError,
} from "../src/index";
import { close, loadReference, maxAbsDiff } from "./reference";

type Maybe<T> = T | { error: string };
interface BinaryCase { name: string; y: number[]; score: number[]; roc_auc: Maybe<number>; roc_curve: Maybe<number[][]>; average_precision: Maybe<number> }
interface LabelCase {
  name: string; y_true: number[]; y_pred: number[]; accuracy: number; balanced_accuracy: number; f1_macro: number; f1_weighted: number;
  precision: number[]; recall: number[]; f1: number[]; support: number[]; confusion: number[][];
  kappa_none: number; kappa_linear: number; kappa_quadratic: number;
}
interface OvrCase { name: string; y: number[]; probs: number[][]; macro: Maybe<number>; weighted: Maybe<number>; ece15: number; ece10: number }
const ref = loadReference<{ sklearn: string; binary: BinaryCase[]; labels: LabelCase[]; ovr: OvrCase[] }>("metrics.json");

// Tolerance of every metric comparison against scikit-learn 1.2.1.
const TOL = 1e-12;
const isErr = (v: unknown): v is { error: string } => typeof v === "object" && v !== null && "error" in v;

describe(`binary ranking metrics vs scikit-learn ${ref.sklearn} (|Δ| ≤ 1e-12)`, () => {
  for (const c of ref.binary) {
    it(c.name, () => {
      if (isErr(c.roc_auc)) expect(() => rocAuc(c.y, c.score)).toThrow(StatsInputError);
      else expect(Math.abs(rocAuc(c.y, c.score) - c.roc_auc)).toBeLessThanOrEqual(TOL);
      if (isErr(c.roc_curve)) expect(() => rocCurve(c.y, c.score)).toThrow(StatsInputError);
      else {
        const r = rocCurve(c.y, c.score);
        const [fpr, tpr, thr] = c.roc_curve as [number[], number[], number[]];
        expect(maxAbsDiff(r.fpr, fpr)).toBeLessThanOrEqual(TOL);
        expect(maxAbsDiff(r.tpr, tpr)).toBeLessThanOrEqual(TOL);
        expect(maxAbsDiff(r.thresholds, thr)).toBeLessThanOrEqual(TOL);
      }
      if (isErr(c.average_precision)) expect(() => averagePrecision(c.y, c.score)).toThrow(StatsInputError);
      else expect(Math.abs(averagePrecision(c.y, c.score) - c.average_precision)).toBeLessThanOrEqual(TOL);
    });
  }
});

describe(`label metrics vs scikit-learn ${ref.sklearn} (|Δ| ≤ 1e-12)`, () => {
  for (const c of ref.labels) {
    it(c.name, () => {
      const { y_true: t, y_pred: p } = c;
      expect(close(accuracy(t, p), c.accuracy, TOL)).toBe(true);
      expect(close(balancedAccuracy(t, p), c.balanced_accuracy, TOL)).toBe(true);
      expect(close(f1Score(t, p, { average: "macro" }), c.f1_macro, TOL)).toBe(true);
      expect(close(f1Score(t, p, { average: "weighted" }), c.f1_weighted, TOL)).toBe(true);
      expect(maxAbsDiff(f1Score(t, p, { average: "none" }), c.f1)).toBeLessThanOrEqual(TOL);
      const prf = precisionRecallF1(t, p);
      expect(maxAbsDiff(prf.precision, c.precision)).toBeLessThanOrEqual(TOL);
      expect(maxAbsDiff(prf.recall, c.recall)).toBeLessThanOrEqual(TOL);
      expect(prf.support).toEqual(c.support);
      expect(confusionMatrix(t, p).matrix).toEqual(c.confusion);
      expect(close(cohenKappa(t, p), c.kappa_none, TOL)).toBe(true);
      expect(close(cohenKappa(t, p, { weights: "linear" }), c.kappa_linear, TOL)).toBe(true);
      expect(close(cohenKappa(t, p, { weights: "quadratic" }), c.kappa_quadratic, TOL)).toBe(true);
    });
  }
});

describe(`one-vs-rest AUROC vs scikit-learn ${ref.sklearn}, ECE vs NumPy (|Δ| ≤ 1e-12)`, () => {
  for (const c of ref.ovr) {
    it(c.name, () => {
      for (const average of ["macro", "weighted"] as const) {
        const want = c[average];
        if (isErr(want)) {
          expect(() => rocAucOvr(c.y, c.probs, { average })).toThrow(StatsInputError);
          expect(rocAucOvr(c.y, c.probs, { average, onUndefined: "nan" })).toBeNaN();
        } else expect(Math.abs(rocAucOvr(c.y, c.probs, { average }) - want)).toBeLessThanOrEqual(TOL);
      }
      expect(Math.abs(expectedCalibrationError(c.y, c.probs) - c.ece15)).toBeLessThanOrEqual(TOL);
      expect(Math.abs(expectedCalibrationError(c.y, c.probs, { nBins: 10 }) - c.ece10)).toBeLessThanOrEqual(TOL);
    });
  }
});
