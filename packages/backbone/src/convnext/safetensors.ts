// A minimal safetensors reader (8-byte little-endian header length, JSON header, raw little-endian data).
// @osfm/nn owns safetensors I/O but had not exported it when this was written; this reads what
// torch/safetensors and timm write: F32, F16 and BF16 tensors.
import { BackboneError } from "../errors";
import { fromFloat16Bits } from "../float16";

/** One tensor: shape and float32 values. */
export interface NamedTensor {
  shape: number[];
  data: Float32Array;
}

const decoders: Record<string, (bytes: Uint8Array) => Float32Array> = {
  F32: (b) => new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)),
  F16: (b) => {
    const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
    const out = new Float32Array(b.byteLength / 2);
    for (let i = 0; i < out.length; i++) out[i] = fromFloat16Bits(v.getUint16(i * 2, true));
    return out;
  },
  BF16: (b) => {
    const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
    const out = new Float32Array(b.byteLength / 2);
    const u32 = new Uint32Array(out.buffer);
    for (let i = 0; i < out.length; i++) u32[i] = v.getUint16(i * 2, true) << 16;
    return out;
  },
};

/** Parses safetensors bytes into float32 tensors by name; `source` names the file in errors. */
export function readSafetensors(bytes: Uint8Array, source: string): Map<string, NamedTensor> {
  const fail = (what: string): never => {
    throw new BackboneError("BAD_WEIGHTS", `not a safetensors file: ${what}`, { path: source });
  };
  if (bytes.length < 8) fail("shorter than its 8-byte header length");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  if (headerLength > bytes.length - 8) fail(`header length ${headerLength} exceeds the file`);
  let header: Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
  } catch {
    return fail("the header is not JSON");
  }
  const base = 8 + headerLength;
  const out = new Map<string, NamedTensor>();
  for (const [name, info] of Object.entries(header)) {
    if (name === "__metadata__") continue;
    const decode = decoders[info.dtype];
    if (decode === undefined) fail(`tensor "${name}" has dtype ${info.dtype}; expected F32, F16 or BF16`);
    const [start, end] = info.data_offsets;
    if (end > bytes.length - base || start > end) fail(`tensor "${name}" lies outside the file`);
    const data = decode!(bytes.subarray(base + start, base + end));
    const count = info.shape.reduce((a, b) => a * b, 1);
    if (data.length !== count) fail(`tensor "${name}" holds ${data.length} values for shape [${info.shape.join(", ")}]`);
    out.set(name, { shape: info.shape, data });
  }
  return out;
}
