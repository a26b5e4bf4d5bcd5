import { StatsInputError } from "../validate";

/** Solves A·X = B for a symmetric positive-definite m×m A (row-major, overwritten) and m×r B (row-major, overwritten with X). */
export function choleskySolve(A: Float64Array, m: number, B: Float64Array, r: number): void {
  for (let j = 0; j < m; j++) {
    let s = A[j * m + j]!;
    for (let k = 0; k < j; k++) s -= A[j * m + k]! * A[j * m + k]!;
    if (!(s > 0)) throw new StatsInputError("choleskySolve: matrix is not positive definite (increase alpha)", "INVALID");
    const ljj = Math.sqrt(s);
    A[j * m + j] = ljj;
    for (let i = j + 1; i < m; i++) {
      let t = A[i * m + j]!;
      for (let k = 0; k < j; k++) t -= A[i * m + k]! * A[j * m + k]!;
      A[i * m + j] = t / ljj;
    }
  }
  // forward: L·Z = B, then backward: Lᵀ·X = Z
  for (let c = 0; c < r; c++) {
    for (let i = 0; i < m; i++) {
      let t = B[i * r + c]!;
      for (let k = 0; k < i; k++) t -= A[i * m + k]! * B[k * r + c]!;
      B[i * r + c] = t / A[i * m + i]!;
    }
    for (let i = m - 1; i >= 0; i--) {
      let t = B[i * r + c]!;
      for (let k = i + 1; k < m; k++) t -= A[k * m + i]! * B[k * r + c]!;
      B[i * r + c] = t / A[i * m + i]!;
    }
  }
}
