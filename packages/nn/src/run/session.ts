import * as ort from "onnxruntime-node";
import type { Graph } from "../graph/graph.js";
import type { DType, Shape, TensorData } from "../graph/types.js";
import { toOnnxBytes } from "../onnx/emit.js";

/** Options of {@link Session.create}. */
export interface SessionOptions {
  /** Threads for one op (onnxruntime intra-op pool); 0 lets onnxruntime choose. @default 0 */
  intraOpThreads?: number;
  /** onnxruntime graph optimisation level. @default "all" */
  optimization?: "disabled" | "basic" | "extended" | "all";
  /** Re-use memory across runs (onnxruntime memory pattern). @default true */
  memoryPattern?: boolean;
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
  ) {}

  /** Serialises `graph` (or takes ONNX bytes) and opens an onnxruntime session from the buffer. */
  static async create(graph: Graph | Uint8Array, options: SessionOptions = {}): Promise<Session> {
    const { intraOpThreads = 0, optimization = "all", memoryPattern = true } = options;
    const bytes = graph instanceof Uint8Array ? graph : toOnnxBytes(graph);
    const session = await ort.InferenceSession.create(bytes, {
      intraOpNumThreads: intraOpThreads,
      interOpNumThreads: 1,
      graphOptimizationLevel: optimization,
      enableMemPattern: memoryPattern,
      executionMode: "sequential",
    });
    const paramFeeds: Record<string, ort.Tensor> = {};
    const inputTypes = new Map<string, { dtype: DType; shape: Shape }>();
    if (!(graph instanceof Uint8Array)) {
      if (graph.paramMode === "inputs") {
        for (const [name, p] of graph.paramObjects) paramFeeds[name] = new ort.Tensor("float32", p.data, [...p.shape]);
      }
      for (const t of graph.inputs) inputTypes.set(t.name, { dtype: t.dtype, shape: t.shape });
    }
    return new Session(session, paramFeeds, inputTypes);
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
    let res: ort.InferenceSession.ReturnType;
    if (into && into.size > 0) {
      // pre-allocated outputs: onnxruntime writes into the given buffers (no allocation per run)
      const fetches: Record<string, ort.Tensor | null> = {};
      for (const name of outputs ?? this.ort.outputNames) fetches[name] = this.fetchTensor(name, into.get(name));
      res = await this.ort.run(all, fetches as ort.InferenceSession.FetchesType);
    } else res = outputs ? await this.ort.run(all, [...outputs]) : await this.ort.run(all);
    const out: Record<string, RunOutput> = {};
    for (const [name, t] of Object.entries(res)) out[name] = { data: t.data as TensorData, dims: t.dims };
    return out;
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

  /** Frees the native session. */
  async release(): Promise<void> {
    await this.ort.release();
  }
}

function dtypeOf(data: TensorData): DType {
  if (data instanceof Float32Array) return "float32";
  if (data instanceof Float64Array) return "float64";
  if (data instanceof BigInt64Array) return "int64";
  if (data instanceof Int32Array) return "int32";
  if (data instanceof Uint16Array) return "float16";
  return "bool";
}
