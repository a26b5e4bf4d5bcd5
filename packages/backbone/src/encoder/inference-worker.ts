// onnxruntime-node's `session.run` is synchronous on the calling thread (its promise wraps a blocking call
// in setImmediate). Run on the main thread, it would stall tile reading and decoding for the whole batch.
// So the session lives in a worker thread: the main thread reads batch k+1 while the worker runs batch k.
// The worker is plain JavaScript evaluated from a string, so it works the same from sources and from dist.
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import type { InferenceSession } from "onnxruntime-node";

const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const ort = require(workerData.ortPath);
let session;
parentPort.on("message", async (msg) => {
  try {
    if (msg.kind === "create") {
      session = await ort.InferenceSession.create(new Uint8Array(msg.model), msg.options);
      parentPort.postMessage({ id: msg.id, ok: { inputNames: session.inputNames, outputNames: session.outputNames,
        inputMetadata: session.inputMetadata.map((m) => ({ ...m, shape: m.shape ? [...m.shape] : undefined })) } });
    } else if (msg.kind === "run") {
      const t = new ort.Tensor(msg.type, msg.type === "float16" ? new Uint16Array(msg.data) : new Float32Array(msg.data), msg.dims);
      const out = (await session.run({ [msg.input]: t }))[msg.output];
      if (out === undefined) throw new Error("output " + msg.output + " missing from the run");
      const data = out.type === "float16" ? Uint16Array.from(out.data) : Float32Array.from(out.data);
      out.dispose();
      parentPort.postMessage({ id: msg.id, ok: { type: out.type, dims: [...out.dims], data: data.buffer } }, [data.buffer]);
    } else if (msg.kind === "release") {
      await session?.release();
      parentPort.postMessage({ id: msg.id, ok: true });
    }
  } catch (e) {
    parentPort.postMessage({ id: msg.id, error: String(e && e.message ? e.message : e) });
  }
});
`;

/** What the worker reports about the model's inputs and outputs. */
export interface SessionInfo {
  inputNames: string[];
  outputNames: string[];
  inputMetadata: InferenceSession.ValueMetadata[];
}

/** A tensor crossing the thread boundary. */
export interface RawTensor {
  type: "float32" | "float16";
  dims: number[];
  data: Float32Array | Uint16Array;
}

/** An onnxruntime session running in its own worker thread. */
export class WorkerSession {
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private nextId = 0;
  private failure: Error | undefined;

  private constructor(private readonly worker: Worker) {
    worker.unref();
    worker.on("message", (msg: { id: number; ok?: unknown; error?: string }) => {
      const p = this.pending.get(msg.id);
      this.pending.delete(msg.id);
      if (this.pending.size === 0) worker.unref();
      if (msg.error !== undefined) p?.reject(new Error(msg.error));
      else p?.resolve(msg.ok);
    });
    const fail = (e: Error) => {
      this.failure = e;
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
    };
    worker.on("error", fail);
    worker.on("exit", (code) => fail(new Error(`inference worker exited with code ${code}`)));
  }

  private call<T>(msg: Record<string, unknown>, transfer: ArrayBuffer[] = []): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    this.worker.ref();
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ ...msg, id }, transfer);
    });
  }

  /** Starts a worker and loads `model` (its buffer is transferred: do not reuse it). */
  static async create(model: Uint8Array, options: InferenceSession.SessionOptions): Promise<{ session: WorkerSession; info: SessionInfo }> {
    const ortPath = createRequire(import.meta.url).resolve("onnxruntime-node");
    const session = new WorkerSession(new Worker(WORKER_SOURCE, { eval: true, workerData: { ortPath } }));
    const own = model.byteOffset === 0 && model.byteLength === model.buffer.byteLength && model.buffer instanceof ArrayBuffer ? model : model.slice();
    try {
      const info = await session.call<SessionInfo>({ kind: "create", model: own.buffer, options }, [own.buffer as ArrayBuffer]);
      return { session, info };
    } catch (e) {
      await session.worker.terminate();
      throw e;
    }
  }

  /** Runs the model on one input; `input.data`'s buffer is transferred. */
  async run(inputName: string, outputName: string, input: RawTensor): Promise<RawTensor> {
    const data = input.data.byteOffset === 0 && input.data.byteLength === input.data.buffer.byteLength ? input.data : input.data.slice();
    const out = await this.call<{ type: string; dims: number[]; data: ArrayBuffer }>(
      { kind: "run", input: inputName, output: outputName, type: input.type, dims: input.dims, data: data.buffer },
      [data.buffer as ArrayBuffer],
    );
    if (out.type !== "float32" && out.type !== "float16") throw new Error(`output has element type ${out.type}; expected float32 or float16`);
    return { type: out.type, dims: out.dims, data: out.type === "float16" ? new Uint16Array(out.data) : new Float32Array(out.data) };
  }

  /** Releases the session and stops the worker. */
  async release(): Promise<void> {
    if (!this.failure) await this.call({ kind: "release" }).catch(() => undefined);
    this.failure ??= new Error("session released");
    await this.worker.terminate();
  }
}
