/** One train/test split: sample indices, ascending. */
export interface Fold {
  train: Int32Array;
  test: Int32Array;
}

/** Labels or group ids: numbers, or strings (ordered like NumPy's `np.unique`: by code unit). */
export type Keys = ArrayLike<number | string>;
