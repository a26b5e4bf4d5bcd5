import { StatsInputError } from "../validate";
import { toDense, type Dense, type Features } from "./dense";
import { fistaL1 } from "./fista";
import { encodeClasses, sampleWeights, type ClassWeight } from "./labels";
import { lbfgs, type Objective } from "./lbfgs";
import { binaryObjective } from "./binary-objective";
import { multinomialEvaluator, multinomialObjective } from "./logistic-objective";
import { multinomialWasm } from "./logistic-wasm";
import { checkModel, type ProbeJSON } from "./serial";

/** Options of {@link LogisticRegression}. */
export interface LogisticRegressionOptions {
  /** Inverse regularisation strength, as in scikit-learn. @default 1 */
  C?: number;
  /** Penalty on the weights (never the intercept). @default "l2" */
  penalty?: "l2" | "l1" | "none";
  /** Class weighting ("balanced" = n / (k · n_c)). @default undefined (all 1) */
  classWeight?: ClassWeight;
  /** Iteration limit of the solver (L-BFGS for l2/none, FISTA for l1). @default 1000 (l1: 20000) */
  maxIter?: number;
  /** Stop when the largest gradient (or prox-gradient step) component of the mean loss is ≤ tol. @default 1e-8 */
  tol?: number;
  /**
   * L-BFGS only: also stop when one iteration decreases the objective by ≤ ftol relative to its value: SciPy
   * L-BFGS-B's test on scikit-learn's summed objective (its default 2.2e-9 is what scikit-learn 1.2's lbfgs
   * uses), so the same value stops by the same rule. @default 0 (off: stop on `tol` or `maxIter` only)
   */
  ftol?: number;
  /**
   * Extra worker threads for the multinomial loss (≥ 3 classes, ≥ 1,000 rows); 0 = main thread only. With the
   * SIMD kernels the fit is the same bit for bit at any value. @default 0
   */
  threads?: number;
}

/** Serialised {@link LogisticRegression}. */
export interface LogisticRegressionJSON extends ProbeJSON<"LogisticRegression"> {
  options: { C: number; penalty: "l2" | "l1" | "none" };
  classes: number[];
  /** k×d (1×d for two classes: the weights of class classes[1]). */
  coef: number[][];
  intercept: number[];
}

/**
 * Logistic regression probe with scikit-learn's semantics: multinomial softmax for ≥ 3 classes, a single
 * logistic model for 2 classes, penalty ‖w‖²/(2C) (L2) or ‖w‖₁/C (L1) next to the summed weighted log-loss.
 * The optimum matches scikit-learn's lbfgs/saga at the same C (tested to 1e-4 in probabilities).
 */
export class LogisticRegression {
  readonly options: Required<Omit<LogisticRegressionOptions, "classWeight" | "maxIter">> & Pick<LogisticRegressionOptions, "classWeight" | "maxIter">;
  classes: number[] = [];
  coef: Float64Array[] = [];
  intercept: Float64Array = new Float64Array(0);
  /** Solver iterations of the last fit. */
  nIter = 0;
  /** Loss+gradient evaluations of the last fit (line-search trials included). */
  nEval = 0;
  /** Whether the last fit reached `tol`. */
  converged = false;
  /** Threads that evaluated the loss in the last fit (1 = main thread only). */
  threadsUsed = 1;
  /** Whether the last multinomial fit evaluated the loss with the WebAssembly SIMD kernel (else scalar JS). */
  simdUsed = false;

  constructor(options: LogisticRegressionOptions = {}) {
    const { C = 1, penalty = "l2", classWeight, maxIter, tol = 1e-8, ftol = 0, threads = 0 } = options;
    if (!(C > 0)) throw new StatsInputError(`LogisticRegression: C must be > 0, got ${C}`, "INVALID");
    if (!(ftol >= 0)) throw new StatsInputError(`LogisticRegression: ftol must be ≥ 0, got ${ftol}`, "INVALID");
    if (!(Number.isInteger(threads) && threads >= 0)) throw new StatsInputError(`LogisticRegression: threads must be an integer ≥ 0, got ${threads}`, "INVALID");
    this.options = { C, penalty, classWeight, maxIter, tol, ftol, threads };
  }

  /** Fits on rows X (n×d) and integer labels y; `signal` aborts between solver iterations. */
  fit(X: Features, y: ArrayLike<number>, fitOptions: { signal?: AbortSignal } = {}): this {
    const x = toDense(X, "LogisticRegression.fit X");
    const { classes, yi } = encodeClasses(y, x.rows, "LogisticRegression.fit");
    const sw = sampleWeights(yi, classes, this.options.classWeight, "LogisticRegression.fit");
    const { C, penalty, threads } = this.options;
    const binary = classes.length === 2;
    const k = binary ? 1 : classes.length;
    const d = x.cols;
    const l2 = penalty === "l2" ? 1 / C : 0;
    let swSum = 0;
    for (const w of sw) swSum += w;
    const multi = binary ? undefined : multinomialEvaluator(x, yi, sw, swSum, k, threads + 1, multinomialWasm(d, k));
    this.threadsUsed = multi?.threadCount ?? 1;
    this.simdUsed = multi?.simd ?? false;
    try {
      const objective = multi ? multinomialObjective(d, k, swSum, l2, multi.evaluate) : binaryObjective(x, yi, sw, l2);
      this.solve(objective, k, d, swSum, fitOptions.signal);
    } finally {
      multi?.close();
    }
    this.classes = classes;
    return this;
  }

  private solve(fg: Objective, k: number, d: number, swSum: number, signal?: AbortSignal): void {
    const { C, penalty, tol, ftol } = this.options;
    this.nEval = 0;
    const objective: Objective = (x, g) => {
      this.nEval++;
      return fg(x, g);
    };
    const theta0 = new Float64Array(k * d + k);
    let theta: Float64Array;
    if (penalty === "l1") {
      const r = fistaL1(objective, theta0, 1 / (C * swSum), k * d, { maxIter: this.options.maxIter ?? 20000, tol, signal });
      theta = r.x;
      this.nIter = r.iterations;
      this.converged = r.converged;
    } else {
      const r = lbfgs(objective, theta0, { maxIter: this.options.maxIter ?? 1000, tol, ftol, ftolFloor: 1 / swSum, signal });
      theta = r.x;
      this.nIter = r.iterations;
      this.converged = r.converged;
    }
    this.coef = Array.from({ length: k }, (_, c) => theta.slice(c * d, (c + 1) * d));
    this.intercept = theta.slice(k * d);
  }

  private check(X: Features): Dense {
    if (this.classes.length === 0) throw new StatsInputError("LogisticRegression: call fit() or load() first", "NOT_FITTED");
    return toDense(X, "LogisticRegression X", (this.coef[0] as Float64Array).length);
  }

  /** Linear scores, n×k (n×1 for two classes). */
  decisionFunction(X: Features): number[][] {
    const x = this.check(X);
    const d = x.cols;
    return Array.from({ length: x.rows }, (_, i) =>
      this.coef.map((w, c) => {
        let s = this.intercept[c] as number;
        for (let j = 0; j < d; j++) s += (w[j] as number) * (x.data[i * d + j] as number);
        return s;
      }),
    );
  }

  /** Class probabilities, n×k, columns in the order of `classes`. */
  predictProba(X: Features): number[][] {
    return this.decisionFunction(X).map((z) => {
      if (z.length === 1) {
        const v = z[0] as number;
        const p = v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v));
        return [1 - p, p];
      }
      const m = Math.max(...z);
      const e = z.map((v) => Math.exp(v - m));
      const s = e.reduce((a, b) => a + b, 0);
      return e.map((v) => v / s);
    });
  }

  /** Most probable class label of each row (first on ties). */
  predict(X: Features): number[] {
    return this.predictProba(X).map((p) => {
      let best = 0;
      for (let c = 1; c < p.length; c++) if ((p[c] as number) > (p[best] as number)) best = c;
      return this.classes[best] as number;
    });
  }

  /** Plain-JSON state (weights and classes) for {@link LogisticRegression.load}. */
  toJSON(): LogisticRegressionJSON {
    return {
      type: "LogisticRegression",
      version: 1,
      options: { C: this.options.C, penalty: this.options.penalty },
      classes: [...this.classes],
      coef: this.coef.map((w) => Array.from(w)),
      intercept: Array.from(this.intercept),
    };
  }

  /** Restores a model saved with {@link LogisticRegression.toJSON}; throws `BAD_MODEL` for anything else. */
  static load(json: unknown): LogisticRegression {
    const j = checkModel<LogisticRegressionJSON>(json, "LogisticRegression", ["options", "classes", "coef", "intercept"]);
    const m = new LogisticRegression(j.options);
    const k = j.classes.length === 2 ? 1 : j.classes.length;
    if (j.coef.length !== k || j.intercept.length !== k) throw new StatsInputError(`LogisticRegression.load: expected ${k} coefficient rows for ${j.classes.length} classes`, "BAD_MODEL");
    m.classes = [...j.classes];
    m.coef = j.coef.map((r) => Float64Array.from(r));
    m.intercept = Float64Array.from(j.intercept);
    return m;
  }
}
