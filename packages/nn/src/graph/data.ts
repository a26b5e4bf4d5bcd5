import { floatToHalf } from "../io/half.js";
import type { DType, TensorData } from "./types.js";

/** Builds a typed array of `dtype` from numbers. */
export function makeData(dtype: DType, values: readonly number[]): TensorData {
  switch (dtype) {
    case "float32":
      return Float32Array.from(values);
    case "float64":
      return Float64Array.from(values);
    case "int64":
      return BigInt64Array.from(values, (v) => BigInt(Math.trunc(v)));
    case "int32":
      return Int32Array.from(values);
    case "bool":
    case "uint8":
      return Uint8Array.from(values);
    case "float16":
      return toHalf(values);
  }
}

/** float16 bits of each value. */
export function toHalf(values: ArrayLike<number>): Uint16Array {
  return Uint16Array.from(values as ArrayLike<number>, (v) => floatToHalf(v));
}
