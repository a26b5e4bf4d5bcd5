import { readFile } from "node:fs/promises";
import { WeightsError } from "../errors.js";
import type { Module } from "../modules/module.js";
import { writeFileAtomic } from "./atomic.js";
import { bf16ToFloat, halfToFloat } from "./half.js";

/** safetensors dtype names this reader understands. */
export type SafetensorsDType = "F64" | "F32" | "F16" | "BF16" | "I64" | "I32" | "I16" | "I8" | "U8" | "BOOL";

/** A tensor read from or written to safetensors. F16/BF16 are decoded to Float32Array on read. */
export interface NamedTensor {
  dtype: SafetensorsDType;
  shape: readonly number[];
  data: Float32Array | Float64Array | BigInt64Array | Int32Array | Int16Array | Int8Array | Uint8Array;
}

const BYTES: Record<SafetensorsDType, number> = { F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U8: 1, BOOL: 1 };

function decode(dtype: SafetensorsDType, bytes: Uint8Array): NamedTensor["data"] {
  const buf = new Uint8Array(bytes).buffer; // aligned copy (also for a Node Buffer, whose slice() is a view)
  switch (dtype) {
    case "F64":
      return new Float64Array(buf);
    case "F32":
      return new Float32Array(buf);
    case "I64":
      return new BigInt64Array(buf);
    case "I32":
      return new Int32Array(buf);
    case "I16":
      return new Int16Array(buf);
    case "I8":
      return new Int8Array(buf);
    case "U8":
    case "BOOL":
      return new Uint8Array(buf);
    case "F16":
    case "BF16": {
      const u16 = new Uint16Array(buf);
      const conv = dtype === "F16" ? halfToFloat : bf16ToFloat;
      return Float32Array.from(u16, (h) => conv(h));
    }
  }
}

/** Parses a safetensors buffer: 8-byte little-endian header length, JSON header, raw data. */
export function parseSafetensors(bytes: Uint8Array, source = "<buffer>"): { tensors: Map<string, NamedTensor>; metadata: Record<string, string> } {
  if (bytes.length < 8) throw new WeightsError("file too short for a safetensors header", source);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = Number(view.getBigUint64(0, true));
  if (headerLen > bytes.length - 8) throw new WeightsError(`header length ${headerLen} exceeds the file size ${bytes.length}`, source);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLen))) as Record<string, unknown>;
  } catch (e) {
    throw new WeightsError(`header is not JSON (${(e as Error).message})`, source);
  }
  const dataStart = 8 + headerLen;
  const tensors = new Map<string, NamedTensor>();
  let metadata: Record<string, string> = {};
  for (const [name, info] of Object.entries(header)) {
    if (name === "__metadata__") {
      metadata = info as Record<string, string>;
      continue;
    }
    const { dtype, shape, data_offsets: offsets } = info as { dtype: SafetensorsDType; shape: number[]; data_offsets: [number, number] };
    if (!(dtype in BYTES)) throw new WeightsError(`unsupported dtype ${dtype}`, source, name);
    const n = shape.reduce((a, b) => a * b, 1);
    const [begin, end] = offsets;
    if (end - begin !== n * BYTES[dtype] || dataStart + end > bytes.length) {
      throw new WeightsError(`tensor byte range [${begin}, ${end}) does not fit shape [${shape.join(", ")}] ${dtype}`, source, name);
    }
    tensors.set(name, { dtype, shape, data: decode(dtype, bytes.subarray(dataStart + begin, dataStart + end)) });
  }
  return { tensors, metadata };
}

/** Reads a .safetensors file. */
export async function readSafetensors(path: string): Promise<{ tensors: Map<string, NamedTensor>; metadata: Record<string, string> }> {
  return parseSafetensors(new Uint8Array(await readFile(path)), path);
}

/** Serialises tensors (names sorted) and string metadata as safetensors bytes (header padded to 8 bytes). */
export function serializeSafetensors(tensors: ReadonlyMap<string, NamedTensor>, metadata: Record<string, string> = {}): Uint8Array[] {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  const names = [...tensors.keys()].sort();
  const parts: Uint8Array[] = [];
  let offset = 0;
  for (const name of names) {
    const t = tensors.get(name) as NamedTensor;
    const bytes = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    const expected = t.shape.reduce((a, b) => a * b, 1) * BYTES[t.dtype];
    if (bytes.length !== expected) throw new WeightsError(`tensor "${name}" has ${bytes.length} bytes, shape needs ${expected}`, undefined, name);
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + bytes.length] };
    parts.push(bytes);
    offset += bytes.length;
  }
  let json = JSON.stringify(header);
  json += " ".repeat((8 - ((8 + new TextEncoder().encode(json).length) % 8)) % 8);
  const headerBytes = new TextEncoder().encode(json);
  const len = new Uint8Array(8);
  new DataView(len.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  return [len, headerBytes, ...parts];
}

/** Writes tensors to a .safetensors file atomically. */
export async function writeSafetensors(path: string, tensors: ReadonlyMap<string, NamedTensor>, metadata: Record<string, string> = {}): Promise<void> {
  await writeFileAtomic(path, serializeSafetensors(tensors, metadata));
}

/** Saves a module's parameters under their PyTorch names (F32), loadable with `safetensors.torch.load_file`. */
export async function saveWeights(model: Module, path: string, metadata: Record<string, string> = {}): Promise<void> {
  const tensors = new Map<string, NamedTensor>();
  for (const [name, p] of model.namedParameters()) tensors.set(name, { dtype: "F32", shape: p.shape, data: p.data });
  await writeSafetensors(path, tensors, metadata);
}

/** Loads PyTorch-named weights from a .safetensors file into a module (strict by default). */
export async function loadWeights(model: Module, path: string, strict = true): Promise<void> {
  const { tensors } = await readSafetensors(path);
  const floats = new Map<string, { shape: readonly number[]; data: ArrayLike<number> }>();
  for (const [name, t] of tensors) {
    if (t.data instanceof BigInt64Array) throw new WeightsError(`tensor "${name}" is ${t.dtype}, not a float`, path, name);
    floats.set(name, { shape: t.shape, data: t.data });
  }
  try {
    model.loadStateDict(floats, strict);
  } catch (e) {
    if (e instanceof WeightsError) throw new WeightsError(e.message, path, e.tensor);
    throw e;
  }
}
