import { assertIntegerLabels, assertPaired, StatsInputError } from "../validate";
import { encodeLabels, uniqueLabels } from "./labels";

/** Options shared by label-based metrics. */
export interface LabelOptions {
  /** Labels (rows/columns) in order. @default sorted union of the labels in yTrue and yPred */
  labels?: readonly number[];
}

/** A confusion matrix with the labels that index its rows (true) and columns (predicted). */
export interface ConfusionMatrix {
  labels: number[];
  /** matrix[i][j]: samples with true label labels[i] predicted as labels[j]. */
  matrix: number[][];
}

/**
 * Confusion matrix, rows = true label and columns = predicted label (scikit-learn `confusion_matrix`).
 * Unlike scikit-learn, which silently drops samples whose label is not in explicit `labels`, a label outside
 * `labels` throws `UNKNOWN_LABEL` (e.g. a test-fold label the model never saw).
 */
export function confusionMatrix(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, options: LabelOptions = {}): ConfusionMatrix {
  assertPaired(yTrue, yPred, "confusionMatrix");
  assertIntegerLabels(yTrue, "confusionMatrix yTrue");
  assertIntegerLabels(yPred, "confusionMatrix yPred");
  const labels = options.labels ? [...options.labels] : uniqueLabels(yTrue, yPred);
  const k = labels.length;
  const index = new Map<number, number>();
  labels.forEach((l, i) => index.set(l, i));
  const matrix = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < yTrue.length; i++) {
    const a = index.get(yTrue[i] as number);
    const b = index.get(yPred[i] as number);
    if (a === undefined || b === undefined) {
      const bad = a === undefined ? `true label ${yTrue[i]}` : `predicted label ${yPred[i]}`;
      throw new StatsInputError(`confusionMatrix: ${bad} at index ${i} is not one of the labels [${labels.join(", ")}]`, "UNKNOWN_LABEL");
    }
    (matrix[a] as number[])[b]! += 1;
  }
  return { labels, matrix };
}

/** Label-encoded pair plus the label list, after validation (internal helper). */
export function encodePair(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, what: string, labels?: readonly number[]) {
  assertPaired(yTrue, yPred, what);
  assertIntegerLabels(yTrue, `${what} yTrue`);
  assertIntegerLabels(yPred, `${what} yPred`);
  const lab = labels ? [...labels] : uniqueLabels(yTrue, yPred);
  return { labels: lab, a: encodeLabels(yTrue, lab, what), b: encodeLabels(yPred, lab, what) };
}
