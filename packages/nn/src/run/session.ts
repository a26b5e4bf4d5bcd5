import * as ort from "onnxruntime-node";
import type { Graph } from "../graph/graph.js";
import type { DType, Shape, TensorData } from "../graph/types.js";
import { toOnnxBytes } from "../onnx/emit.js";
import { type MaskJob, MaskWorker } from "./mask-worker.js";
import { type MaskData, MaskStream } from "./masks.js";

/** Options of {@link Session.create}. */
export interface SessionOptions {
  /** Threads for one op (onnxruntime intra-op pool); 0 lets onnxruntime choose. @default 0 */
  intraOpThreads?: number;
  /** onnxruntime graph optimisation level. @default "all" */
  optimization?: "disabled" | "basic" | "extended" | "all";
  /** Re-use memory across runs (onnxruntime memory pattern). @default true */
  memoryPattern?: boolean;
  /** onnxruntime's CPU memory arena (keeps freed blocks for reuse; off returns them to the system). @default true */
  memArena?: boolean;
  /** Write onnxruntime's per-node profile to `<prefix>_<date>.json` (finished by `session.ort.endProfiling()`). */
  profileFilePrefix?: string;
  /**
   * Draw the next run's fed dropout masks in a worker thread right after each run, so they are ready
   * when the next run starts (the main thread meanwhile does the optimizer step); used when the next
   * run's mask sizes match, otherwise the masks are drawn on the spot. The same stream either way.
   * Only for runs whose masks hold ≥ 2²⁰ elements in all (smaller ones are cheaper to draw on the spot).
   * @default true
   */
  prefetchMasks?: boolean;
}

/** A value fed to a run: a typed array with its concrete shape. */
export interface Feed {
  data: TensorData;
  dims: readonly number[];
}

/** One output of a run. */
export interface RunOutput {
  data: TensorData;
  dims: readonly number[];
}

/** A dropout keep-mask input the session fills before each run. */
interface FedMask {
  readonly name: string;
  readonly shape: Shape;
  readonly stream: MaskStream;
  readonly dtype: "uint8" | "float16";
  data: MaskData;
}

/** Masks being drawn in the worker for the next run: which ones, at which sizes (`key`), and the result. */
interface Prefetch {
  key: string;
  masks: FedMask[];
  result: Promise<MaskJob[] | null>;
}

/**
 * Masks smaller than this (elements over all fed masks of a run) are drawn on the spot: a round trip to
 * the worker thread costs more than drawing them (≈ 1 ms per million elements at p = 0.1).
 */
const PREFETCH_MIN_ELEMENTS = 1 << 20;

const ORT_TYPE: Record<DType, ort.Tensor.Type> = {
  float32: "float32",
  float64: "float64",
  float16: "float16",
  int64: "int64",
  int32: "int32",
  bool: "bool",
  uint8: "uint8",
};

/**
 * A graph loaded into onnxruntime-node. Parameters of an `"inputs"`-mode graph are fed from their
 * Float32Arrays on every run without copying, so optimizer updates are seen by the next run.
 */
export class Session {
  private constructor(
    readonly ort: ort.InferenceSession,
    private readonly paramFeeds: Record<string, ort.Tensor>,
    private readonly inputTypes: Map<string, { dtype: DType; shape: Shape }>,
    private readonly masks: readonly FedMask[],
    private readonly prefetchMasks: boolean,
  ) {}

  private maskWorker: MaskWorker | undefined;

  private prefetch: Prefetch | undefined;

  /** Serialises `graph` (or takes ONNX bytes) and opens an onnxruntime session from the buffer. */
  static async create(graph: Graph | Uint8Array, options: SessionOptions = {}): Promise<Session> {
    const { intraOpThreads = 0, optimization = "all", memoryPattern = true, memArena = true, profileFilePrefix, prefetchMasks = true } = options;
    const bytes = graph instanceof Uint8Array ? graph : toOnnxBytes(graph);
    const session = await ort.InferenceSession.create(bytes, {
      intraOpNumThreads: intraOpThreads,
      interOpNumThreads: 1,
      graphOptimizationLevel: optimization,
      enableMemPattern: memoryPattern,
      enableCpuMemArena: memArena,
      executionMode: "sequential",
      ...(profileFilePrefix ? { enableProfiling: true, profileFilePrefix } : {}),
      // fed dropout masks are applied as x·DequantizeLinear(mask, s); onnxruntime's QDQ passes would give
      // every consumer of such a mask its own copy of the DequantizeLinear (a second pass in the backward)
      ...(hasFedMasks(graph) ? { extra: { session: { disable_quant_qdq: "1" } } } : {}),
    });
    const paramFeeds: Record<string, ort.Tensor> = {};
    const inputTypes = new Map<string, { dtype: DType; shape: Shape }>();
    if (!(graph instanceof Uint8Array)) {
      if (graph.paramMode === "inputs") {
        for (const [name, p] of graph.paramObjects) paramFeeds[name] = new ort.Tensor("float32", p.data, [...p.shape]);
      }
      for (const t of graph.inputs) inputTypes.set(t.name, { dtype: t.dtype, shape: t.shape });
    }
    const masks = graph instanceof Uint8Array ? [] : [...graph.maskInputs.values()].map((m) => ({
      name: m.tensor.name, shape: m.tensor.shape, stream: new MaskStream(m.seed, m.p), dtype: m.tensor.dtype === "float16" ? "float16" : "uint8", data: new Uint8Array(0),
    }) satisfies FedMask);
    return new Session(session, paramFeeds, inputTypes, masks, prefetchMasks);
  }

  /** Names of the graph outputs. */
  get outputNames(): readonly string[] {
    return this.ort.outputNames;
  }

  /**
   * Runs the graph. `feeds` gives the non-parameter inputs; parameters are bound automatically.
   * `outputs` restricts which outputs are computed (default: all); `into` gives pre-allocated buffers
   * for outputs of known size (e.g. gradients), which onnxruntime fills in place.
   */
  async run(feeds: Record<string, Feed>, outputs?: readonly string[], into?: ReadonlyMap<string, Feed>): Promise<Record<string, RunOutput>> {
    const all: Record<string, ort.Tensor> = { ...this.paramFeeds };
    for (const [name, f] of Object.entries(feeds)) {
      const type = this.inputTypes.get(name)?.dtype ?? dtypeOf(f.data);
      all[name] = new ort.Tensor(ORT_TYPE[type], f.data as never, [...f.dims]);
    }
    const drawn = this.masks.length > 0 ? await this.feedMasks(feeds, all) : [];
    let res: ort.InferenceSession.ReturnType;
    if (into && into.size > 0) {
      // pre-allocated outputs: onnxruntime writes into the given buffers (no allocation per run)
      const fetches: Record<string, ort.Tensor | null> = {};
      for (const name of outputs ?? this.ort.outputNames) fetches[name] = this.fetchTensor(name, into.get(name));
      res = await this.ort.run(all, fetches as ort.InferenceSession.FetchesType);
    } else res = outputs ? await this.ort.run(all, [...outputs]) : await this.ort.run(all);
    if (this.prefetchMasks && drawn.reduce((a, m) => a + m.data.length, 0) >= PREFETCH_MIN_ELEMENTS) this.startPrefetch(drawn);
    const out: Record<string, RunOutput> = {};
    for (const [name, t] of Object.entries(res)) out[name] = { data: t.data as TensorData, dims: t.dims };
    return out;
  }

  /**
   * Draws the next keep-mask of every fed-mask dropout (unless the caller fed it), sized from the feeds'
   * dims, or takes the worker's prefetched masks when they were drawn for the same masks and sizes.
   * Returns the masks drawn.
   */
  private async feedMasks(feeds: Record<string, Feed>, all: Record<string, ort.Tensor>): Promise<FedMask[]> {
    const dims = new Map<string, number>();
    for (const [name, f] of Object.entries(feeds)) {
      this.inputTypes.get(name)?.shape.forEach((d, i) => {
        if (typeof d === "string" && f.dims[i] !== undefined) dims.set(d, f.dims[i] as number);
      });
    }
    const drawn: FedMask[] = [];
    const shapes: number[][] = [];
    for (const m of this.masks) {
      if (feeds[m.name]) continue;
      const shape = m.shape.map((d) => (typeof d === "number" ? d : dims.get(d)));
      const missing = m.shape.find((d, i) => shape[i] === undefined);
      if (missing !== undefined) throw new Error(`Session.run: dropout mask "${m.name}" needs dim "${missing}", which no feed gives`);
      drawn.push(m);
      shapes.push(shape as number[]);
    }
    const pending = this.prefetch;
    this.prefetch = undefined;
    const jobs = pending ? await pending.result : null;
    // the worker's buffers come back either way; its masks (and advanced states) only when they fit
    if (pending && jobs) pending.masks.forEach((m, i) => (m.data = (jobs[i] as MaskJob).out));
    const useJobs = !!jobs && pending?.key === maskKey(drawn, shapes);
    drawn.forEach((m, i) => {
      const shape = shapes[i] as number[];
      const n = shape.reduce((a, b) => a * b, 1);
      if (useJobs) m.stream.restore((jobs[i] as MaskJob).state);
      else {
        if (m.data.length !== n || m.data.BYTES_PER_ELEMENT !== (m.dtype === "float16" ? 2 : 1)) m.data = maskBuffer(m.dtype, n);
        m.stream.fill(m.data);
      }
      all[m.name] = new ort.Tensor(m.dtype, m.data, shape);
    });
    return drawn;
  }

  /** Starts drawing the masks of the next run (same masks, same sizes) in the worker. */
  private startPrefetch(drawn: FedMask[]): void {
    const shapes = drawn.map((m) => [m.data.length]);
    const jobs = drawn.map((m) => ({ out: m.data, state: m.stream.snapshot(), p: m.stream.p, gaps: m.stream.gaps }));
    this.maskWorker ??= new MaskWorker();
    this.prefetch = { key: maskKey(drawn, shapes), masks: drawn, result: this.maskWorker.fill(jobs) };
    for (const m of drawn) m.data = new Uint8Array(0); // detached: owned by the worker until the next run (reallocated if it fails)
  }

  private readonly fetchCache = new Map<string, { data: TensorData; tensor: ort.Tensor }>();
  private fetchTensor(name: string, f: Feed | undefined): ort.Tensor | null {
    if (!f) return null;
    const hit = this.fetchCache.get(name);
    if (hit && hit.data === f.data) return hit.tensor;
    const tensor = new ort.Tensor(ORT_TYPE[dtypeOf(f.data)], f.data as never, [...f.dims]);
    this.fetchCache.set(name, { data: f.data, tensor });
    return tensor;
  }

  /** Replaces the bound data of one parameter (after {@link Parameter.data} was reassigned). */
  rebind(name: string, data: Float32Array, dims: readonly number[]): void {
    this.paramFeeds[name] = new ort.Tensor("float32", data, [...dims]);
  }

  /** Frees the native session (and stops the mask worker). */
  async release(): Promise<void> {
    await this.maskWorker?.close();
    await this.ort.release();
  }
}

/** True for a graph with dropout masks fed as inputs (only then are its DequantizeLinear nodes ours). */
function hasFedMasks(graph: Graph | Uint8Array): boolean {
  return !(graph instanceof Uint8Array) && graph.maskInputs.size > 0;
}

/** A mask buffer of n elements, 4-byte aligned (for word stores) and padded to whole words. */
function maskBuffer(dtype: "uint8" | "float16", n: number): MaskData {
  return dtype === "float16" ? new Uint16Array(2 * Math.ceil(n / 2)).subarray(0, n) : new Uint8Array(4 * Math.ceil(n / 4)).subarray(0, n);
}

/** Which masks at which sizes (element counts). */
function maskKey(masks: readonly FedMask[], shapes: readonly number[][]): string {
  return masks.map((m, i) => `${m.name}:${(shapes[i] as number[]).reduce((a, b) => a * b, 1)}`).join(",");
}

function dtypeOf(data: TensorData): DType {
  if (data instanceof Float32Array) return "float32";
  if (data instanceof Float64Array) return "float64";
  if (data instanceof BigInt64Array) return "int64";
  if (data instanceof Int32Array) return "int32";
  if (data instanceof Uint16Array) return "float16";
  return "bool";
}
