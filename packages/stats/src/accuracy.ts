import { assertPaired } from "./validate";

/** Fraction of samples whose predicted label equals the true label (scikit-learn `accuracy_score`). */
export function accuracy(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  assertPaired(yTrue, yPred, "accuracy");
  let hits = 0;
  for (let i = 0; i < yTrue.length; i++) if (yTrue[i] === yPred[i]) hits++;
  return hits / yTrue.length;
}
