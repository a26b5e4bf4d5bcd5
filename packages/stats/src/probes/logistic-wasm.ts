import { I32, op, V128, wasmModule, type WasmFunction } from "./wasm-emit";

/** A kernel module and the padded row width (features) it was emitted for. */
export interface WasmKernelCode {
  bytes: Uint8Array;
  dp: number;
}

/** f64x2 steps per inner-loop iteration (features padded to a multiple of 2·UNROLL); 2 measured no faster than 1. */
const UNROLL = 1;

/**
 * WebAssembly SIMD (f64x2) kernels of the multinomial loss, emitted at run time for one padded shape:
 * row stride S = dp·8 bytes (dp = d rounded up to a multiple of 2·UNROLL) and kp = k rounded up to even classes.
 *  - scores(px, rows, pw, pz): Z[r, c] = x_r · w_c for `rows` (a multiple of 4) rows at byte address px,
 *    weights [kp, dp] at pw; Z: [rows, kp] at pz. Tiles of 4 rows × 2 classes, lanes along the features.
 *  - accumulate(px, rows, pz, pg): G[c, :] += Σ_r Z[r, c] · x_r, G: [kp, dp] at pg. Tiles of 2 classes × 4 rows.
 * Padding (zero features, zero classes, zero rows with zero residuals) keeps every tile full.
 */
export function multinomialWasmBytes(d: number, k: number): WasmKernelCode {
  const U = UNROLL;
  const dp = Math.ceil(d / (2 * U)) * 2 * U;
  const S = dp * 8;
  const kp = k + (k & 1);
  const Z = kp * 8;
  const { localGet: get, localSet: set, i32Const: cst } = op;
  const add = (a: number, v: number[]): number[] => [...get(a), ...v, ...op.i32Add, ...set(a)];
  const bump = (a: number, by: number): number[] => add(a, cst(by));
  const fma = (acc: number, x: number, y: number): number[] => [...get(acc), ...get(x), ...get(y), ...op.f64x2Mul, ...op.f64x2Add, ...set(acc)];
  const until = (a: number, end: number[]): number[] => [...get(a), ...end, ...op.i32Ne, ...op.brIf(0)];

  // scores: params px 0, rows 1, pw 2, pz 3; i32 locals xend 4, wend 5, zr 6, wc 7, zc 8, j 9, pw_j 10, px_j 11;
  // v128 locals acc 12..19 (acc[c·4 + r]), u 20, v 21, a 22
  const acc = (c: number, r: number): number => 12 + c * 4 + r;
  const jLoopS: number[] = [...op.loop, ...get(7), ...get(9), ...op.i32Add, ...set(10), ...get(0), ...get(9), ...op.i32Add, ...set(11)];
  for (let u = 0; u < U; u++) {
    jLoopS.push(...get(10), ...op.v128Load(16 * u), ...set(20), ...get(10), ...op.v128Load(S + 16 * u), ...set(21));
    for (let r = 0; r < 4; r++) jLoopS.push(...get(11), ...op.v128Load(r * S + 16 * u), ...set(22), ...fma(acc(0, r), 20, 22), ...fma(acc(1, r), 21, 22));
  }
  jLoopS.push(...bump(9, 16 * U), ...until(9, cst(S)), ...op.end);
  const storeZ: number[] = [];
  for (let c = 0; c < 2; c++) {
    for (let r = 0; r < 4; r++) {
      storeZ.push(...get(8), ...get(acc(c, r)), ...op.f64x2ExtractLane(0), ...get(acc(c, r)), ...op.f64x2ExtractLane(1), ...op.f64Add, ...op.f64Store(r * Z + c * 8));
    }
  }
  const zeroAcc: number[] = [];
  for (let a = 12; a < 20; a++) zeroAcc.push(...op.v128Zero, ...set(a));
  const scores: WasmFunction = {
    name: "scores",
    params: [I32, I32, I32, I32],
    results: [],
    locals: [...new Array<number>(8).fill(I32), ...new Array<number>(11).fill(V128)],
    body: [
      ...get(1), ...cst(S), ...op.i32Mul, ...get(0), ...op.i32Add, ...set(4),
      ...get(2), ...cst(kp * S), ...op.i32Add, ...set(5),
      ...get(3), ...set(6),
      ...op.loop,
      ...get(2), ...set(7), ...get(6), ...set(8),
      ...op.loop,
      ...zeroAcc, ...cst(0), ...set(9),
      ...jLoopS,
      ...storeZ,
      ...bump(8, 16), ...bump(7, 2 * S), ...until(7, get(5)),
      ...op.end,
      ...bump(6, 4 * Z), ...bump(0, 4 * S), ...until(0, get(4)),
      ...op.end,
    ],
  };

  // accumulate: params px 0, rows 1, pz 2, pg 3; i32 locals xend 4, gend 5, gc 6, zc 7, xr 8, zr 9, j 10, px_j 11,
  // pg_j 12; v128 locals s 13..20 (s[c·4 + r] = splat Z[r, c]), ga 21, gb 22, a 23
  const s = (c: number, r: number): number => 13 + c * 4 + r;
  const splats: number[] = [];
  for (let c = 0; c < 2; c++) for (let r = 0; r < 4; r++) splats.push(...get(9), ...op.f64Load(r * Z + c * 8), ...op.f64x2Splat, ...set(s(c, r)));
  const jLoopA: number[] = [...op.loop, ...get(8), ...get(10), ...op.i32Add, ...set(11), ...get(6), ...get(10), ...op.i32Add, ...set(12)];
  for (let u = 0; u < U; u++) {
    jLoopA.push(...get(12), ...op.v128Load(16 * u), ...set(21), ...get(12), ...op.v128Load(S + 16 * u), ...set(22));
    for (let r = 0; r < 4; r++) jLoopA.push(...get(11), ...op.v128Load(r * S + 16 * u), ...set(23), ...fma(21, s(0, r), 23), ...fma(22, s(1, r), 23));
    jLoopA.push(...get(12), ...get(21), ...op.v128Store(16 * u), ...get(12), ...get(22), ...op.v128Store(S + 16 * u));
  }
  jLoopA.push(...bump(10, 16 * U), ...until(10, cst(S)), ...op.end);
  const accumulate: WasmFunction = {
    name: "accumulate",
    params: [I32, I32, I32, I32],
    results: [],
    locals: [...new Array<number>(9).fill(I32), ...new Array<number>(11).fill(V128)],
    body: [
      ...get(1), ...cst(S), ...op.i32Mul, ...get(0), ...op.i32Add, ...set(4),
      ...get(3), ...cst(kp * S), ...op.i32Add, ...set(5),
      ...get(3), ...set(6), ...get(2), ...set(7),
      ...op.loop,
      ...get(0), ...set(8), ...get(7), ...set(9),
      ...op.loop,
      ...splats, ...cst(0), ...set(10),
      ...jLoopA,
      ...bump(8, 4 * S), ...bump(9, 4 * Z), ...until(8, get(4)),
      ...op.end,
      ...bump(6, 2 * S), ...bump(7, 16), ...until(6, get(5)),
      ...op.end,
    ],
  };
  return { bytes: wasmModule([scores, accumulate], true), dp };
}

/** The part of the WebAssembly JS API used here (the package's type libraries declare no WebAssembly values). */
export interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Memory: new (limits: { initial: number; maximum: number; shared: boolean }) => { buffer: ArrayBufferLike };
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}

/** Evaluates all rows: adds ∇ of Σ w·CE / Σw into `grad` and returns Σ w·CE (as {@link multinomialKernel}). */
export type RowKernel = (theta: Float64Array, grad: Float64Array) => number;

/**
 * Where everything lives in the shared memory, in float64 slots: X [np, dp] (rows padded to a multiple of 4),
 * W [kp, dp], intercepts [k], then per chunk of `chunkRows` rows its partial gradient G [kp, dp] and
 * [loss, k intercept gradients], then per thread a score block Z [B, kp].
 */
export interface WasmLayout {
  n: number;
  d: number;
  k: number;
  dp: number;
  kp: number;
  B: number;
  chunkRows: number;
  chunks: number;
  x: number;
  w: number;
  bias: number;
  g: number;
  lb: number;
  z: number;
  pages: number;
}

/**
 * Layout for n rows and `threads` threads. Chunks of at least 512 rows (a multiple of the 32-row block), fixed
 * by n and k only: each chunk's sums are kept apart and added in chunk order, so the result does not depend on
 * the thread count or on which thread took which chunk.
 */
export function wasmLayout(n: number, d: number, k: number, dp: number, threads: number): WasmLayout {
  const B = 32;
  const kp = k + (k & 1);
  const np = Math.ceil(n / 4) * 4;
  const chunkRows = Math.max(512, Math.ceil((16 * kp) / B) * B);
  const chunks = Math.ceil(np / chunkRows);
  const x = 0;
  const w = np * dp;
  const bias = w + kp * dp;
  const g = bias + kp;
  const lb = g + chunks * kp * dp;
  const z = lb + chunks * (k + 1);
  const pages = Math.ceil(((z + threads * B * kp) * 8) / 65536);
  return { n, d, k, dp, kp, B, chunkRows, chunks, x, w, bias, g, lb, z, pages };
}

/**
 * The chunk evaluator of thread `slot` over a shared memory laid out by {@link wasmLayout} (X, W and the
 * intercepts already written), instantiating the compiled `module` of {@link multinomialWasmBytes}: run(c)
 * writes chunk c's partial gradient, loss and intercept gradients.
 * The softmax runs in JS between the two kernels, on blocks of B rows.
 * Self-contained (no imports or outer variables): its source text also runs inside worker threads.
 */
export function wasmChunkRunner(module: object, memory: object, L: WasmLayout, yi: Int32Array, sw: Float64Array, swSum: number, slot: number): (c: number) => void {
  const { n, k, dp, kp, B, chunkRows } = L;
  const wa = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
  const exports = new wa.Instance(module, { env: { memory } }).exports as Record<string, (a: number, b: number, c: number, e: number) => void>;
  const scores = exports.scores!;
  const accumulate = exports.accumulate!;
  const f = new Float64Array((memory as { buffer: ArrayBufferLike }).buffer);
  const np = Math.ceil(n / 4) * 4;
  const zb = L.z + slot * B * kp;
  return (c) => {
    const g = L.g + c * kp * dp;
    const lb = L.lb + c * (k + 1);
    f.fill(0, g, g + kp * dp);
    f.fill(0, lb, lb + k + 1);
    let loss = 0;
    const end = Math.min(np, (c + 1) * chunkRows);
    for (let i0 = c * chunkRows; i0 < end; i0 += B) {
      const nb = Math.min(B, end - i0);
      scores((L.x + i0 * dp) * 8, nb, L.w * 8, zb * 8);
      for (let r = 0; r < nb; r++) {
        // softmax of row r of Z in place → residuals (p − onehot)·w/Σw; adds the row's loss
        const o = zb + r * kp;
        const row = i0 + r;
        if (row >= n) {
          f.fill(0, o, o + kp);
          continue;
        }
        let zmax = Number.NEGATIVE_INFINITY;
        for (let j = 0; j < k; j++) {
          const z = f[o + j]! + f[L.bias + j]!;
          f[o + j] = z;
          if (z > zmax) zmax = z;
        }
        const yc = yi[row]!;
        const zy = f[o + yc]!;
        let se = 0;
        for (let j = 0; j < k; j++) {
          const e = Math.exp(f[o + j]! - zmax);
          f[o + j] = e;
          se += e;
        }
        const w = sw[row]!;
        // −log p_y = log Σ exp(z − zmax) − (z_y − zmax)
        loss += w * (Math.log(se) - (zy - zmax));
        const scale = w / swSum;
        const ps = scale / se;
        for (let j = 0; j < k; j++) {
          const res = f[o + j]! * ps - (j === yc ? scale : 0);
          f[o + j] = res;
          f[lb + 1 + j]! += res;
        }
        for (let j = k; j < kp; j++) f[o + j] = 0;
      }
      accumulate((L.x + i0 * dp) * 8, nb, zb * 8, g * 8);
    }
    f[lb] = loss;
  };
}

/** The kernels' module for d features and k classes, or undefined where WebAssembly SIMD does not validate. */
export function multinomialWasm(d: number, k: number): WasmKernelCode | undefined {
  const wa = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
  if (!wa) return undefined;
  const code = multinomialWasmBytes(d, k);
  return wa.validate(code.bytes) ? code : undefined;
}
