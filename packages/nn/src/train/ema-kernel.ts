import { compileModule, F32, I32, op, STAGE_FLOATS, streamThroughStages, V128, type WasmApi, wasmApi, type WasmFunction } from "./wasm-simd.js";

/** Floats per staging chunk (target and source slices copied in, 256 KB each: they stay in L2). */
const PAGES = Math.ceil((2 * STAGE_FLOATS * 4) / 65536);

/**
 * ema(t, s, bytes, τ, 1 − τ): f32x4 over `bytes` (a multiple of 16) at byte addresses t, s:
 *   t ← t·τ + s·(1 − τ)   (float32, one rounding per operation, as torch's `τ·t + (1 − τ)·s`)
 */
function emaFunction(): WasmFunction {
  const { localGet: get, localSet: set, localTee: tee } = op;
  const [T, S, BYTES, TAU, ONE_MINUS] = [0, 1, 2, 3, 4];
  const [OFF, VTAU, VONE_MINUS] = [5, 6, 7];
  const at = (base: number): number[] => [...get(base), ...get(OFF), ...op.i32Add];
  const body = [
    ...get(TAU), ...op.f32x4Splat, ...set(VTAU),
    ...get(ONE_MINUS), ...op.f32x4Splat, ...set(VONE_MINUS),
    ...op.loop,
    ...at(T), ...at(T), ...op.v128Load(0), ...get(VTAU), ...op.f32x4Mul,
    ...at(S), ...op.v128Load(0), ...get(VONE_MINUS), ...op.f32x4Mul, ...op.f32x4Add, ...op.v128Store(0),
    ...get(OFF), ...op.i32Const(16), ...op.i32Add, ...tee(OFF), ...get(BYTES), ...op.i32LtU, ...op.brIf(0),
    ...op.end,
  ];
  return { name: "ema", params: [I32, I32, I32, F32, F32], results: [], locals: [I32, V128, V128], body };
}

type EmaExport = (t: number, s: number, bytes: number, tau: number, oneMinusTau: number) => void;

let compiled: object | null | undefined;

/**
 * The EMA update as a WebAssembly SIMD kernel: target and source are streamed through two 256 KB
 * staging areas, so a 45M-float teacher update costs about one memory pass instead of a scalar JS loop
 * (≈ 150 ms per step for BYOL's aggregator alone).
 */
export class EmaKernel {
  private readonly run: EmaExport;
  private readonly stageT: Float32Array;
  private readonly stageS: Float32Array;

  private constructor(api: WasmApi, module: object) {
    const memory = new api.Memory({ initial: PAGES, maximum: PAGES });
    this.run = new api.Instance(module, { env: { memory } }).exports.ema as EmaExport;
    this.stageT = new Float32Array(memory.buffer, 0, STAGE_FLOATS);
    this.stageS = new Float32Array(memory.buffer, STAGE_FLOATS * 4, STAGE_FLOATS);
  }

  /** A kernel, or null where WebAssembly SIMD is unavailable (callers keep a JS loop). */
  static create(): EmaKernel | null {
    if (compiled === undefined) compiled = compileModule([emaFunction()]);
    if (!compiled || !wasmApi) return null;
    try {
      return new EmaKernel(wasmApi, compiled);
    } catch {
      return null;
    }
  }

  /** t ← τ·t + (1 − τ)·s in place (`t` and `s` of equal length). */
  update(t: Float32Array, s: Float32Array, tau: number): void {
    const { stageT, stageS } = this;
    streamThroughStages(t, s, stageT, stageS, (_start, vecLen) => this.run(stageT.byteOffset, stageS.byteOffset, 4 * vecLen, tau, 1 - tau));
  }
}
