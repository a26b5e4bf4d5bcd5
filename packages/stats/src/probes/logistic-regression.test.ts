import { describe, expect, it } from "vitest";
import { StatsInputError } from "../validate";
import { LogisticRegression } from "./logistic-regression";

describe("LogisticRegression ftol (SciPy L-BFGS-B's relative-decrease stop) and evaluation counts", () => {
  const n = 300;
  const k = 4;
  const y = Array.from({ length: n }, (_, i) => i % k);
  const X = y.map((c, i) => Array.from({ length: 9 }, (_, j) => (j === c ? 0.8 : 0) + Math.sin(i * 12.9898 + j * 78.233)));
  it("ftol 2.2e-9 stops before the gradient test, ftol 0 (default) runs until it; nEval counts line-search trials", () => {
    const full = new LogisticRegression({ tol: 1e-8 }).fit(X, y);
    const early = new LogisticRegression({ tol: 1e-8, ftol: 2.22e-9 }).fit(X, y);
    expect(full.converged).toBe(true);
    expect(early.converged).toBe(false);
    expect(early.nIter).toBeLessThan(full.nIter);
    expect(full.nEval).toBeGreaterThan(full.nIter);
    expect(full.simdUsed).toBe(true);
    // stopping early costs accuracy only at the ftol level: probabilities still agree to 1e-3
    const a = full.predictProba(X).flat();
    const b = early.predictProba(X).flat();
    expect(Math.max(...a.map((v, i) => Math.abs(v - b[i]!)))).toBeLessThan(1e-3);
    expect(() => new LogisticRegression({ ftol: -1 })).toThrow(StatsInputError);
  });
});
