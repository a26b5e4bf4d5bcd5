import { Worker } from "node:worker_threads";
import { wasmChunkRunner, wasmLayout, type WasmApi, type WasmKernelCode, type WasmLayout } from "./logistic-wasm";

/**
 * The multinomial loss on the WebAssembly SIMD kernels over one shared memory: X is copied in once, and the
 * main thread plus `threads − 1` worker threads claim chunks of rows from an atomic counter, so a thread the
 * machine slows down does less of the work. Partial sums stay per chunk and are added in chunk order: the
 * result is the same bit for bit at any thread count. Synchronous for the caller (`Atomics.wait`).
 * Throws from the constructor where shared WebAssembly memory is unavailable; if the workers do not start
 * within the bound, the main thread does all chunks.
 */
export class WasmPool {
  private readonly workers: Worker[] = [];
  // ctrl: [generation, finished, stop, failed, started, next chunk]
  private readonly ctrl = new Int32Array(new SharedArrayBuffer(24));
  private readonly layout: WasmLayout;
  private readonly f: Float64Array;
  private readonly run: (c: number) => void;

  constructor(code: WasmKernelCode, data: Float64Array, d: number, k: number, yi: Int32Array, sw: Float64Array, swSum: number, threads: number) {
    const n = yi.length;
    const L = wasmLayout(n, d, k, code.dp, threads);
    this.layout = L;
    const wa = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
    const memory = new wa.Memory({ initial: L.pages, maximum: L.pages, shared: true });
    this.f = new Float64Array(memory.buffer);
    for (let i = 0; i < n; i++) this.f.set(data.subarray(i * d, (i + 1) * d), L.x + i * code.dp);
    // one compiled module for all threads: workers share its code (and its optimised tier) instead of compiling
    const module = new wa.Module(code.bytes);
    this.run = wasmChunkRunner(module, memory, L, yi, sw, swSum, 0);
    if (threads <= 1) return;
    const share = <T extends Float64Array | Int32Array>(a: T, make: (b: SharedArrayBuffer) => T): T => {
      const out = make(new SharedArrayBuffer(a.byteLength));
      out.set(a as never);
      return out;
    };
    const yiShared = share(yi, (b) => new Int32Array(b));
    const swShared = share(sw, (b) => new Float64Array(b));
    const source = `
const { workerData } = require("node:worker_threads");
const __name = (f) => f;
const makeRunner = ${wasmChunkRunner.toString()};
const { ctrl, module, memory, L, yi, sw, swSum, slot } = workerData;
let run = null;
try {
  run = makeRunner(module, memory, L, yi, sw, swSum, slot);
} catch (e) {
  Atomics.store(ctrl, 3, 1);
}
let gen = 0;
Atomics.add(ctrl, 4, 1);
Atomics.notify(ctrl, 4);
for (;;) {
  if (run === null) break;
  Atomics.wait(ctrl, 0, gen);
  gen = Atomics.load(ctrl, 0);
  if (Atomics.load(ctrl, 2) === 1) break;
  try {
    for (let c = Atomics.add(ctrl, 5, 1); c < L.chunks; c = Atomics.add(ctrl, 5, 1)) run(c);
  } catch (e) {
    Atomics.store(ctrl, 3, 1);
  }
  Atomics.add(ctrl, 1, 1);
  Atomics.notify(ctrl, 1);
}`;
    try {
      for (let t = 1; t < threads; t++) {
        const w = new Worker(source, { eval: true, workerData: { ctrl: this.ctrl, module, memory, L, yi: yiShared, sw: swShared, swSum, slot: t } });
        w.unref();
        this.workers.push(w);
      }
    } catch {
      // e.g. the shared memory cannot be sent to a worker: the main thread alone
      this.close();
      this.workers.length = 0;
      Atomics.store(this.ctrl, 2, 0);
      return;
    }
    // wait (bounded) until every worker runs; otherwise the main thread alone
    const deadline = Date.now() + 120_000;
    for (;;) {
      const started = Atomics.load(this.ctrl, 4);
      if (started >= this.workers.length || Date.now() > deadline) break;
      Atomics.wait(this.ctrl, 4, started, 1000);
    }
    if (Atomics.load(this.ctrl, 4) < this.workers.length || Atomics.load(this.ctrl, 3) === 1) {
      // a worker did not start, or could not instantiate the kernels: the main thread alone
      this.close();
      this.workers.length = 0;
      Atomics.store(this.ctrl, 3, 0);
    }
  }

  /** Threads evaluating (main thread included); 1 if the workers could not start. */
  get threadCount(): number {
    return this.workers.length + 1;
  }

  /** Adds the gradient of Σ w·CE / Σw over all rows into `grad` and returns Σ w·CE. */
  evaluate(theta: Float64Array, grad: Float64Array): number {
    const { d, k, dp, kp, chunks } = this.layout;
    const f = this.f;
    const L = this.layout;
    for (let c = 0; c < k; c++) f.set(theta.subarray(c * d, (c + 1) * d), L.w + c * dp);
    f.set(theta.subarray(k * d, k * d + k), L.bias);
    const nw = this.workers.length;
    Atomics.store(this.ctrl, 5, 0);
    Atomics.store(this.ctrl, 1, 0);
    if (nw > 0) {
      Atomics.add(this.ctrl, 0, 1);
      Atomics.notify(this.ctrl, 0);
    }
    for (let c = Atomics.add(this.ctrl, 5, 1); c < chunks; c = Atomics.add(this.ctrl, 5, 1)) this.run(c);
    for (;;) {
      const done = Atomics.load(this.ctrl, 1);
      if (done >= nw) break;
      Atomics.wait(this.ctrl, 1, done, 60_000);
    }
    if (Atomics.load(this.ctrl, 3) === 1) throw new Error("WasmPool: a worker thread failed while evaluating the loss");
    let loss = 0;
    const off = k * d;
    for (let c = 0; c < chunks; c++) {
      const lb = L.lb + c * (k + 1);
      loss += f[lb]!;
      for (let j = 0; j < k; j++) grad[off + j]! += f[lb + 1 + j]!;
      const g = L.g + c * kp * dp;
      for (let j = 0; j < k; j++) {
        const src = g + j * dp;
        const dst = j * d;
        for (let i = 0; i < d; i++) grad[dst + i]! += f[src + i]!;
      }
    }
    return loss;
  }

  /** Stops the workers. */
  close(): void {
    Atomics.store(this.ctrl, 2, 1);
    Atomics.add(this.ctrl, 0, 1);
    Atomics.notify(this.ctrl, 0);
    for (const w of this.workers) void w.terminate();
  }
}
