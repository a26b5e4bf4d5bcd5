import { StatsInputError } from "../validate";

/**
 * Places a model's probability columns (for the classes it saw in training) into the full label set;
 * classes absent from the training fold get probability 0. Throws if the model has a label not in `labels`.
 */
export function alignProba(proba: ReadonlyArray<ArrayLike<number>>, modelClasses: readonly number[], labels: readonly number[]): number[][] {
  const col = modelClasses.map((c) => {
    const k = labels.indexOf(c);
    if (k < 0) throw new StatsInputError(`alignProba: model class ${c} is not in labels [${labels.join(", ")}]`, "UNKNOWN_LABEL");
    return k;
  });
  return proba.map((row) => {
    const out = new Array<number>(labels.length).fill(0);
    col.forEach((k, j) => (out[k] = row[j] as number));
    return out;
  });
}

/**
 * Out-of-fold predictions for every seed of a repeated CV (the original kept only the last seed's). Each
 * seed must cover every sample exactly once; `seedProba` and `meanProba` refuse incomplete or doubled seeds.
 */
export class OofCollector {
  private readonly seeds = new Map<number, { proba: (number[] | null)[]; fold: Int32Array }>();

  /** @param n number of samples; @param k number of probability columns (the full label set). */
  constructor(
    readonly n: number,
    readonly k: number,
  ) {}

  /** Records the test-fold probabilities (rows aligned with `test`) of one fold of one seed. */
  add(seed: number, fold: number, test: ArrayLike<number>, proba: ReadonlyArray<ArrayLike<number>>): void {
    if (test.length !== proba.length) throw new StatsInputError(`OofCollector.add: ${test.length} test indices for ${proba.length} probability rows`, "LENGTH_MISMATCH");
    let s = this.seeds.get(seed);
    if (!s) {
      s = { proba: new Array(this.n).fill(null), fold: new Int32Array(this.n).fill(-1) };
      this.seeds.set(seed, s);
    }
    for (let r = 0; r < test.length; r++) {
      const i = test[r] as number;
      if (!(i >= 0 && i < this.n)) throw new StatsInputError(`OofCollector.add: test index ${i} outside 0…${this.n - 1}`, "INVALID");
      if (s.proba[i] !== null) throw new StatsInputError(`OofCollector.add: sample ${i} already has a prediction for seed ${seed} (fold ${s.fold[i]})`, "INVALID");
      const row = Array.from(proba[r] as ArrayLike<number>);
      if (row.length !== this.k) throw new StatsInputError(`OofCollector.add: probability row has ${row.length} columns, expected ${this.k}`, "LENGTH_MISMATCH");
      s.proba[i] = row;
      s.fold[i] = fold;
    }
  }

  /** Seeds recorded so far, ascending. */
  get seedList(): number[] {
    return [...this.seeds.keys()].sort((a, b) => a - b);
  }

  /** OOF probabilities of one seed (n×k); throws if a sample has no prediction. */
  seedProba(seed: number): number[][] {
    const s = this.seeds.get(seed);
    if (!s) throw new StatsInputError(`OofCollector: no predictions for seed ${seed}`, "INVALID");
    const missing = s.proba.findIndex((r) => r === null);
    if (missing >= 0) throw new StatsInputError(`OofCollector: seed ${seed} has no prediction for sample ${missing}`, "INVALID");
    return s.proba as number[][];
  }

  /** Fold number of every sample for one seed. */
  seedFolds(seed: number): Int32Array {
    const s = this.seeds.get(seed);
    if (!s) throw new StatsInputError(`OofCollector: no predictions for seed ${seed}`, "INVALID");
    return s.fold;
  }

  /** Probabilities averaged over all seeds (the seed ensemble), n×k. */
  meanProba(): number[][] {
    const seeds = this.seedList;
    if (seeds.length === 0) throw new StatsInputError("OofCollector: nothing recorded", "EMPTY");
    const out = Array.from({ length: this.n }, () => new Array<number>(this.k).fill(0));
    for (const seed of seeds) {
      this.seedProba(seed).forEach((row, i) => row.forEach((v, c) => ((out[i] as number[])[c]! += v / seeds.length)));
    }
    return out;
  }
}

/** Argmax label of each probability row (first maximum on ties). */
export function argmaxLabels(proba: ReadonlyArray<ArrayLike<number>>, labels: readonly number[]): number[] {
  return proba.map((row) => {
    let best = 0;
    for (let c = 1; c < row.length; c++) if ((row[c] as number) > (row[best] as number)) best = c;
    return labels[best] as number;
  });
}
