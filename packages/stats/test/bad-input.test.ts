import { describe, expect, it } from "vitest";
import {
  averagePrecision, balancedAccuracy, cohenKappa, confusionMatrix, expectedCalibrationError, f1Score, rocAuc, rocAucOvr,
  StatsInputError, stratifiedKFold, take, LogisticRegression, alignProba,
} from "../src/index";

const code = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    if (e instanceof StatsInputError) return e.code;
    throw e;
  }
  return "no error";
};

describe("bad input gives a typed error or a documented NaN, never a silent number", () => {
  it("NaN labels or scores", () => {
    expect(code(() => rocAuc([0, 1, 1], [0.2, Number.NaN, 0.9]))).toBe("NOT_FINITE");
    expect(code(() => f1Score([0, Number.NaN], [0, 1]))).toBe("NOT_FINITE");
    expect(code(() => rocAucOvr([0, 1], [[0.5, 0.5], [Number.NaN, 1]]))).toBe("NOT_FINITE");
    expect(code(() => averagePrecision([0, 1], [0.1, Number.POSITIVE_INFINITY]))).toBe("NOT_FINITE");
  });
  it("mismatched lengths", () => {
    expect(code(() => balancedAccuracy([0, 1, 1], [0, 1]))).toBe("LENGTH_MISMATCH");
    expect(code(() => rocAucOvr([0, 1, 2], [[1, 0, 0], [0, 1, 0]]))).toBe("LENGTH_MISMATCH");
    expect(code(() => rocAucOvr([0, 1], [[1, 0, 0], [0, 1]]))).toBe("LENGTH_MISMATCH");
    expect(code(() => cohenKappa([], []))).toBe("EMPTY");
  });
  it("unknown labels in a test fold", () => {
    // label 3 has no score column
    expect(code(() => rocAucOvr([0, 1, 2, 3], [[1, 0, 0], [0, 1, 0], [0, 0, 1], [0.3, 0.3, 0.4]]))).toBe("UNKNOWN_LABEL");
    expect(code(() => confusionMatrix([0, 1, 2], [0, 1, 1], { labels: [0, 1] }))).toBe("UNKNOWN_LABEL");
    expect(code(() => f1Score([0, 5], [0, 1], { labels: [0, 1] }))).toBe("UNKNOWN_LABEL");
    expect(code(() => rocAuc([0, 1, 2], [0.1, 0.5, 0.9]))).toBe("INVALID");
    expect(code(() => f1Score([0, 1.5], [0, 1]))).toBe("INVALID");
  });
  it("a class absent from a fold: AUROC throws, or NaN on request; kappa with one label is a documented NaN", () => {
    const y = [0, 0, 1, 1];
    const p = [[0.7, 0.2, 0.1], [0.6, 0.3, 0.1], [0.2, 0.7, 0.1], [0.3, 0.6, 0.1]];
    expect(code(() => rocAucOvr(y, p))).toBe("CLASS_ABSENT");
    expect(rocAucOvr(y, p, { onUndefined: "nan" })).toBeNaN();
    expect(code(() => rocAuc([1, 1, 1], [0.1, 0.2, 0.3]))).toBe("SINGLE_CLASS");
    expect(code(() => averagePrecision([0, 0], [0.1, 0.2]))).toBe("SINGLE_CLASS");
    expect(cohenKappa([2, 2, 2], [2, 2, 2])).toBeNaN();
    // a training fold without class 2: the model's columns are aligned to the full label set with 0
    const X = [[0], [1], [2], [3], [4], [5]];
    const yAll = [0, 0, 1, 1, 2, 2];
    const train = [0, 1, 2, 3];
    const m = new LogisticRegression().fit(take(X, train), take(yAll, train));
    const aligned = alignProba(m.predictProba([[4], [5]]), m.classes, [0, 1, 2]);
    expect(aligned.every((r) => r[2] === 0)).toBe(true);
  });
  it("splitter and calibration arguments", () => {
    expect(code(() => stratifiedKFold([0, 1, 0, 1], { nSplits: 1 }))).toBe("INVALID");
    expect(code(() => expectedCalibrationError([0], [[1.2, -0.2]]))).toBe("INVALID");
    expect(code(() => expectedCalibrationError([0], [[0.5, 0.5]], { nBins: 0 }))).toBe("INVALID");
  });
});
