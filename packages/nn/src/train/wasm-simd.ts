/**
 * The few WebAssembly binary-format pieces the optimizer kernels need, emitted at run time (no toolchain,
 * no dependency). Byte layouts follow the WebAssembly core spec 2.0 §5 (SIMD: the fixed-width SIMD proposal).
 */

/** Value types. */
export const I32 = 0x7f;
export const F32 = 0x7d;
export const V128 = 0x7b;

/** Unsigned LEB128. */
export function uleb(v: number): number[] {
  const out: number[] = [];
  do {
    let b = v & 0x7f;
    v = Math.floor(v / 128);
    if (v !== 0) b |= 0x80;
    out.push(b);
  } while (v !== 0);
  return out;
}

const str = (s: string): number[] => [...uleb(s.length), ...Array.from(s, (ch) => ch.charCodeAt(0))];
const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
const simd = (code: number): number[] => [0xfd, ...uleb(code)];

/** Instruction encoders (the subset the kernels use). */
export const op = {
  localGet: (i: number): number[] => [0x20, ...uleb(i)],
  localSet: (i: number): number[] => [0x21, ...uleb(i)],
  localTee: (i: number): number[] => [0x22, ...uleb(i)],
  i32Const: (v: number): number[] => [0x41, ...uleb(v)], // non-negative values below 64 only (sleb = uleb there)
  i32Add: [0x6a],
  i32LtU: [0x49],
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  end: [0x0b],
  br: (depth: number): number[] => [0x0c, ...uleb(depth)],
  brIf: (depth: number): number[] => [0x0d, ...uleb(depth)],
  /** v128.load / v128.store with 16-byte alignment and a constant byte offset. */
  v128Load: (offset: number): number[] => [...simd(0x00), 4, ...uleb(offset)],
  v128Store: (offset: number): number[] => [...simd(0x0b), 4, ...uleb(offset)],
  f32x4Splat: simd(0x13),
  f32x4Sqrt: simd(0xe3),
  f32x4Add: simd(0xe4),
  f32x4Sub: simd(0xe5),
  f32x4Mul: simd(0xe6),
  f32x4Div: simd(0xe7),
};

/** One exported function: parameter and result types, extra locals, body (without the final `end`). */
export interface WasmFunction {
  name: string;
  params: number[];
  results: number[];
  locals: number[];
  body: number[];
}

/** A module importing `env.memory` (≥ 1 page, not shared) and exporting `functions`, one type per function. */
export function wasmModule(functions: readonly WasmFunction[]): Uint8Array {
  const types = functions.map((f) => [0x60, ...vec(f.params.map((t) => [t])), ...vec(f.results.map((t) => [t]))]);
  const imports = [[...str("env"), ...str("memory"), 0x02, 0x00, ...uleb(1)]];
  const funcs = functions.map((_, i) => uleb(i));
  const exports = functions.map((f, i) => [...str(f.name), 0x00, ...uleb(i)]);
  const codes = functions.map((f) => {
    const groups: [number, number][] = [];
    for (const t of f.locals) {
      const last = groups[groups.length - 1];
      if (last && last[1] === t) last[0]++;
      else groups.push([1, t]);
    }
    const body = [...vec(groups.map(([n, t]) => [...uleb(n), t])), ...f.body, ...op.end];
    return [...uleb(body.length), ...body];
  });
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vec(types)),
    ...section(2, vec(imports)),
    ...section(3, vec(funcs)),
    ...section(7, vec(exports)),
    ...section(10, vec(codes)),
  ]);
}

/** The part of the WebAssembly JS API the kernels use (the package's type libraries declare no WebAssembly values). */
export interface WasmApi {
  Memory: new (limits: { initial: number; maximum: number }) => { buffer: ArrayBuffer };
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}

/** The WebAssembly global, or undefined where the runtime has none. */
export const wasmApi = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;

/** Compiles `functions` into a module, or returns null where WebAssembly (or its SIMD) is unavailable. */
export function compileModule(functions: readonly WasmFunction[]): object | null {
  try {
    return wasmApi ? new wasmApi.Module(wasmModule(functions)) : null;
  } catch {
    return null;
  }
}

/** Floats in one staging buffer: kernels stream their arrays through two of these, in chunks. */
export const STAGE_FLOATS = 65536;

/** `n` rounded up to whole 4-lane vectors. */
export const paddedToVectors = (n: number): number => Math.ceil(n / 4) * 4;

/**
 * Streams `a` and `b` through the staging buffers in chunks of at most `STAGE_FLOATS`: each chunk is
 * copied in (padding lanes zeroed), `kernel(start, vecLen)` updates `stageA` in place, and `stageA` is
 * copied back into `a`.
 */
export function streamThroughStages(
  a: Float32Array, b: Float32Array, stageA: Float32Array, stageB: Float32Array,
  kernel: (start: number, vecLen: number) => void,
): void {
  const n = a.length;
  for (let start = 0; start < n; start += STAGE_FLOATS) {
    const len = Math.min(STAGE_FLOATS, n - start);
    stageA.set(a.subarray(start, start + len));
    stageB.set(b.subarray(start, start + len));
    const vecLen = paddedToVectors(len);
    for (let i = len; i < vecLen; i++) stageA[i] = stageB[i] = 0;
    kernel(start, vecLen);
    a.set(len === STAGE_FLOATS ? stageA : stageA.subarray(0, len), start);
  }
}
