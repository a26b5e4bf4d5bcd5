import { StatsInputError } from "../validate";

/** A row-major n×d float64 matrix. */
export interface Dense {
  data: Float64Array;
  rows: number;
  cols: number;
}

/** Feature rows accepted by the probes: an array of rows, or a row-major {@link Dense}. */
export type Features = ReadonlyArray<ArrayLike<number>> | Dense;

const isDense = (x: Features): x is Dense => (x as Dense).data instanceof Float64Array && typeof (x as Dense).rows === "number";

/** Copies (or validates) features into a finite row-major matrix; `cols` checks the expected width. */
export function toDense(x: Features, what: string, cols?: number): Dense {
  let out: Dense;
  if (isDense(x)) {
    if (x.data.length !== x.rows * x.cols) throw new StatsInputError(`${what}: data has ${x.data.length} values for ${x.rows}×${x.cols}`, "LENGTH_MISMATCH");
    out = x;
  } else {
    const rows = x.length;
    if (rows === 0) throw new StatsInputError(`${what}: expected at least one row, got none`, "EMPTY");
    const d = (x[0] as ArrayLike<number>).length;
    const data = new Float64Array(rows * d);
    for (let i = 0; i < rows; i++) {
      const r = x[i] as ArrayLike<number>;
      if (r.length !== d) throw new StatsInputError(`${what}: row ${i} has ${r.length} features, expected ${d}`, "LENGTH_MISMATCH");
      for (let j = 0; j < d; j++) data[i * d + j] = r[j] as number;
    }
    out = { data, rows, cols: d };
  }
  if (out.rows === 0) throw new StatsInputError(`${what}: expected at least one row, got none`, "EMPTY");
  if (cols !== undefined && out.cols !== cols) throw new StatsInputError(`${what}: expected ${cols} features, got ${out.cols}`, "LENGTH_MISMATCH");
  const v = out.data;
  for (let i = 0; i < v.length; i++) {
    if (!Number.isFinite(v[i])) throw new StatsInputError(`${what}: expected finite features, found ${v[i]} at row ${Math.floor(i / out.cols)}, column ${i % out.cols}`, "NOT_FINITE");
  }
  return out;
}

/** Rows of a dense matrix as arrays (for JSON-friendly outputs). */
export function toRows(m: Dense): number[][] {
  return Array.from({ length: m.rows }, (_, i) => Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols)));
}
