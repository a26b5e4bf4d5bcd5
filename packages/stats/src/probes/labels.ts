import { assertIntegerLabels, StatsInputError } from "../validate";

/** Class weighting: none, scikit-learn's "balanced" (n / (k · n_c)), or an explicit weight per label. */
export type ClassWeight = "balanced" | Readonly<Record<number, number>> | undefined;

/** Sorted classes of y and each sample's class index. */
export function encodeClasses(y: ArrayLike<number>, n: number, what: string): { classes: number[]; yi: Int32Array } {
  if (y.length !== n) throw new StatsInputError(`${what}: ${y.length} labels for ${n} rows`, "LENGTH_MISMATCH");
  assertIntegerLabels(y, `${what} y`);
  const classes = [...new Set(Array.from(y))].sort((a, b) => a - b);
  if (classes.length < 2) throw new StatsInputError(`${what}: needs samples of at least 2 classes, got only ${classes.join(", ")}`, "SINGLE_CLASS");
  const index = new Map(classes.map((c, i) => [c, i] as const));
  const yi = Int32Array.from(y, (v) => index.get(v) as number);
  return { classes, yi };
}

/** Per-sample weights from a class weighting (scikit-learn `compute_class_weight`). */
export function sampleWeights(yi: Int32Array, classes: number[], classWeight: ClassWeight, what: string): Float64Array {
  const n = yi.length;
  const k = classes.length;
  const perClass = new Float64Array(k).fill(1);
  if (classWeight === "balanced") {
    const counts = new Float64Array(k);
    for (const c of yi) counts[c]! += 1;
    for (let c = 0; c < k; c++) perClass[c] = n / (k * (counts[c] as number));
  } else if (classWeight !== undefined) {
    for (const [label, w] of Object.entries(classWeight)) {
      const c = classes.indexOf(Number(label));
      if (c < 0) throw new StatsInputError(`${what}: class weight given for label ${label}, which is not in y`, "UNKNOWN_LABEL");
      if (!(w >= 0)) throw new StatsInputError(`${what}: class weight ${w} for label ${label} must be ≥ 0`, "INVALID");
      perClass[c] = w;
    }
  }
  return Float64Array.from(yi, (c) => perClass[c] as number);
}
