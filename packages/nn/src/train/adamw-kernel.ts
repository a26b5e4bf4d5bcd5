import { compileModule, F32, I32, op, paddedToVectors as padded, STAGE_FLOATS, streamThroughStages, V128, type WasmApi, wasmApi as wasm, type WasmFunction } from "./wasm-simd.js";

/** Floats per staging chunk (parameter and gradient slices copied in, 256 KB each: they stay in L2). */
const PAGE = 65536;
/** WebAssembly (32-bit) memories stop at 65,536 pages (4 GiB); larger models use the JS loop. */
const MAX_PAGES = 65536;

/** Scalars of one AdamW update of one parameter (as `torch.optim.AdamW` computes them). */
export interface AdamWScalars {
  /** 1 − lr·weightDecay (1 without decay). */
  decay: number;
  /** lr / (1 − β₁ᵗ). */
  stepSize: number;
  /** √(1 − β₂ᵗ). */
  bc2Sqrt: number;
  eps: number;
  beta1: number;
  beta2: number;
  /** Multiplies every gradient first (global-norm clipping). */
  gradScale: number;
}

/**
 * adamw(p, g, m, v, bytes, decay, stepSize, bc2Sqrt, eps, β₁, 1 − β₁, β₂, 1 − β₂, gradScale): f32x4 over
 * `bytes` (a multiple of 16) at byte addresses p, g, m, v, in torch's order and float32 rounding:
 *   g ← g·s;  m ← m·β₁ + (1 − β₁)·g;  v ← v·β₂ + ((1 − β₂)·g)·g;  p ← p·decay − (stepSize·m) / (√v / bc2Sqrt + eps)
 */
function adamwFunction(): WasmFunction {
  const { localGet: get, localSet: set, localTee: tee } = op;
  const [P, G, M, V, BYTES] = [0, 1, 2, 3, 4];
  const OFF = 14;
  const [DECAY, STEP, BC2, EPS, B1, OMB1, B2, OMB2, GS] = [15, 16, 17, 18, 19, 20, 21, 22, 23];
  const [GI, MI, VI] = [24, 25, 26];
  const at = (base: number): number[] => [...get(base), ...get(OFF), ...op.i32Add];
  const body: number[] = [];
  for (let k = 0; k < 9; k++) body.push(...get(5 + k), ...op.f32x4Splat, ...set(DECAY + k));
  body.push(
    ...op.loop,
    // gi = g·s
    ...at(G), ...op.v128Load(0), ...get(GS), ...op.f32x4Mul, ...set(GI),
    // m = m·β₁ + (1 − β₁)·gi
    ...at(M), ...at(M), ...op.v128Load(0), ...get(B1), ...op.f32x4Mul, ...get(OMB1), ...get(GI), ...op.f32x4Mul, ...op.f32x4Add,
    ...tee(MI), ...op.v128Store(0),
    // v = v·β₂ + ((1 − β₂)·gi)·gi
    ...at(V), ...at(V), ...op.v128Load(0), ...get(B2), ...op.f32x4Mul, ...get(OMB2), ...get(GI), ...op.f32x4Mul, ...get(GI), ...op.f32x4Mul, ...op.f32x4Add,
    ...tee(VI), ...op.v128Store(0),
    // p = p·decay − (stepSize·m) / (√v / bc2Sqrt + eps)
    ...at(P), ...at(P), ...op.v128Load(0), ...get(DECAY), ...op.f32x4Mul,
    ...get(STEP), ...get(MI), ...op.f32x4Mul, ...get(VI), ...op.f32x4Sqrt, ...get(BC2), ...op.f32x4Div, ...get(EPS), ...op.f32x4Add, ...op.f32x4Div,
    ...op.f32x4Sub, ...op.v128Store(0),
    // off += 16; loop while off < bytes
    ...get(OFF), ...op.i32Const(16), ...op.i32Add, ...tee(OFF), ...get(BYTES), ...op.i32LtU, ...op.brIf(0),
    ...op.end,
  );
  return { name: "adamw", params: [I32, I32, I32, I32, I32, ...new Array<number>(9).fill(F32)], results: [], locals: [I32, ...new Array<number>(12).fill(V128)], body };
}

type AdamwExport = (p: number, g: number, m: number, v: number, bytes: number, ...scalars: number[]) => void;

let compiled: object | null | undefined;
/** The compiled kernel module, or null where WebAssembly SIMD is unavailable. */
function kernelModule(): object | null {
  if (compiled === undefined) compiled = compileModule([adamwFunction()]);
  return compiled;
}

/**
 * AdamW's moments in one WebAssembly memory and the SIMD update kernel over them. Parameters and
 * gradients stay where they are (onnxruntime reads and writes them): each is streamed through a
 * small staging area in chunks, so the update reads p, g, m, v and writes p, m, v once, 4 floats at a time.
 */
export class AdamWKernel {
  private readonly memory: { buffer: ArrayBuffer };
  private readonly run: AdamwExport;
  private readonly stageP: Float32Array;
  private readonly stageG: Float32Array;
  private next = 2 * STAGE_FLOATS * 4;

  private constructor(api: WasmApi, module: object, pages: number) {
    this.memory = new api.Memory({ initial: pages, maximum: pages });
    this.run = new api.Instance(module, { env: { memory: this.memory } }).exports.adamw as AdamwExport;
    this.stageP = new Float32Array(this.memory.buffer, 0, STAGE_FLOATS);
    this.stageG = new Float32Array(this.memory.buffer, STAGE_FLOATS * 4, STAGE_FLOATS);
  }

  /** A kernel with room for the moments of parameters of these sizes, or null (no SIMD, or over 4 GiB). */
  static create(sizes: readonly number[]): AdamWKernel | null {
    const module = kernelModule();
    if (!module || !wasm) return null;
    const bytes = 2 * STAGE_FLOATS * 4 + sizes.reduce((a, n) => a + 2 * padded(n) * 4, 0);
    const pages = Math.max(1, Math.ceil(bytes / PAGE));
    if (pages > MAX_PAGES) return null;
    try {
      return new AdamWKernel(wasm, module, pages);
    } catch {
      return null; // the memory could not be reserved
    }
  }

  /** Zeroed float32 storage for one moment of `n` elements (16-byte aligned, padded to a multiple of 4). */
  moment(n: number): Float32Array {
    const bytes = padded(n) * 4;
    if (this.next + bytes > this.memory.buffer.byteLength) throw new RangeError(`AdamWKernel: no room for ${n} more floats`);
    const out = new Float32Array(this.memory.buffer, this.next, n);
    this.next += bytes;
    return out;
  }

  /** One AdamW update of `p` from `g` with moments `m`, `v` (both from {@link AdamWKernel.moment}). */
  update(p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, s: AdamWScalars): void {
    const { stageP, stageG } = this;
    // padding lanes: m, v, p stay 0
    streamThroughStages(p, g, stageP, stageG, (start, vecLen) => this.run(
      stageP.byteOffset, stageG.byteOffset, m.byteOffset + 4 * start, v.byteOffset + 4 * start, 4 * vecLen,
      s.decay, s.stepSize, s.bc2Sqrt, s.eps, s.beta1, 1 - s.beta1, s.beta2, 1 - s.beta2, s.gradScale));
  }
}

