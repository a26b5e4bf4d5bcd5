/** Element types a graph tensor can hold (the ONNX names in parentheses map through {@link ONNX_DTYPE}). */
export type DType = "float32" | "float64" | "float16" | "int64" | "int32" | "bool" | "uint8";

/** A dimension: a number when known at build time, a name (e.g. `"tokens"`) when it varies per run. */
export type Dim = number | string;

/** A static shape; symbolic dims are strings. */
export type Shape = readonly Dim[];

/** ONNX TensorProto.DataType codes. */
export const ONNX_DTYPE: Readonly<Record<DType, number>> = {
  float32: 1,
  uint8: 2,
  int32: 6,
  int64: 7,
  bool: 9,
  float16: 10,
  float64: 11,
};

/** Bytes per element of each dtype. */
export const DTYPE_BYTES: Readonly<Record<DType, number>> = {
  float32: 4,
  uint8: 1,
  int32: 4,
  int64: 8,
  bool: 1,
  float16: 2,
  float64: 8,
};

/** True for floating-point dtypes (the ones gradients flow through). */
export function isFloat(dtype: DType): boolean {
  return dtype === "float32" || dtype === "float64" || dtype === "float16";
}

/** A typed array able to hold a dtype's data. */
export type TensorData = Float32Array | Float64Array | BigInt64Array | Int32Array | Uint8Array | Uint16Array;

/** An attribute value of an ONNX node, tagged with its ONNX kind. */
export type Attr =
  | { kind: "int"; value: number }
  | { kind: "float"; value: number }
  | { kind: "ints"; value: readonly number[] }
  | { kind: "floats"; value: readonly number[] }
  | { kind: "string"; value: string }
  | { kind: "tensor"; value: ConstTensor };

/** A constant tensor (initializer or attribute payload). */
export interface ConstTensor {
  dtype: DType;
  shape: readonly number[];
  data: TensorData;
}

/** Numeric product of a fully static shape; throws on symbolic dims. */
export function numel(shape: Shape): number {
  let n = 1;
  for (const d of shape) {
    if (typeof d !== "number") throw new TypeError(`shape [${shape.join(", ")}] has a symbolic dim "${d}"`);
    n *= d;
  }
  return n;
}

/** Formats a shape for messages: `[2, tokens, 768]`. */
export function fmtShape(shape: Shape): string {
  return `[${shape.join(", ")}]`;
}
