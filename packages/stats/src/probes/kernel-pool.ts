import { Worker } from "node:worker_threads";
import { multinomialKernel } from "./logistic-kernel";

/**
 * Worker threads that evaluate {@link multinomialKernel} on row chunks of shared data, so one objective
 * evaluation uses several cores. Synchronous for the caller: the main thread computes its own chunk, then
 * blocks on `Atomics.wait` until the workers are done. `threads` counts the main thread.
 */
export class KernelPool {
  private readonly workers: Worker[] = [];
  private readonly ctrl: Int32Array;
  private readonly theta: Float64Array;
  private readonly grads: Float64Array[];
  private readonly losses: Float64Array;
  private readonly data: Float64Array;
  private readonly yi: Int32Array;
  private readonly sw: Float64Array;
  private bounds: number[];

  constructor(data: Float64Array, readonly d: number, readonly k: number, yi: Int32Array, sw: Float64Array, readonly swSum: number, threads: number) {
    const n = yi.length;
    const share = <T extends Float64Array | Int32Array>(a: T, make: (b: SharedArrayBuffer) => T): T => {
      const out = make(new SharedArrayBuffer(a.byteLength));
      out.set(a as never);
      return out;
    };
    this.data = share(data, (b) => new Float64Array(b));
    this.yi = share(yi, (b) => new Int32Array(b));
    this.sw = share(sw, (b) => new Float64Array(b));
    const p = k * d + k;
    // ctrl: [generation, finished, stop, failed, started]
    this.ctrl = new Int32Array(new SharedArrayBuffer(20));
    this.theta = new Float64Array(new SharedArrayBuffer(p * 8));
    this.losses = new Float64Array(new SharedArrayBuffer(8 * threads));
    this.grads = Array.from({ length: threads - 1 }, () => new Float64Array(new SharedArrayBuffer(p * 8)));
    // chunk boundaries on multiples of 4 rows
    this.bounds = Array.from({ length: threads + 1 }, (_, t) => Math.min(n, Math.round((t * n) / threads / 4) * 4));
    this.bounds[threads] = n;
    const source = `
const { workerData } = require("node:worker_threads");
const __name = (f) => f;
const kernel = ${multinomialKernel.toString()};
const { ctrl, theta, grad, losses, data, d, k, yi, sw, swSum, r0, r1, slot } = workerData;
let gen = 0;
Atomics.add(ctrl, 4, 1);
Atomics.notify(ctrl, 4);
for (;;) {
  Atomics.wait(ctrl, 0, gen);
  gen = Atomics.load(ctrl, 0);
  if (Atomics.load(ctrl, 2) === 1) break;
  try {
    grad.fill(0);
    losses[slot] = kernel(theta, grad, data, d, k, yi, sw, swSum, r0, r1);
  } catch (e) {
    Atomics.store(ctrl, 3, 1);
  }
  Atomics.add(ctrl, 1, 1);
  Atomics.notify(ctrl, 1);
}`;
    for (let t = 1; t < threads; t++) {
      const w = new Worker(source, {
        eval: true,
        workerData: { ctrl: this.ctrl, theta: this.theta, grad: this.grads[t - 1], losses: this.losses, data: this.data, d, k, yi: this.yi, sw: this.sw, swSum, r0: this.bounds[t], r1: this.bounds[t + 1], slot: t },
      });
      w.unref();
      this.workers.push(w);
    }
    // wait (bounded) until every worker runs; otherwise fall back to the main thread alone
    const deadline = Date.now() + 120_000;
    for (;;) {
      const started = Atomics.load(this.ctrl, 4);
      if (started >= this.workers.length || Date.now() > deadline) break;
      Atomics.wait(this.ctrl, 4, started, 1000);
    }
    if (Atomics.load(this.ctrl, 4) < this.workers.length) {
      this.close();
      this.workers.length = 0;
      this.bounds = [0, n];
    }
  }

  /** Threads actually evaluating (main thread included); 1 if the workers could not start. */
  get threadCount(): number {
    return this.workers.length + 1;
  }

  /** Adds the gradient of all rows into `grad` (zeroed by the caller) and returns Σ w·CE. */
  evaluate(theta: Float64Array, grad: Float64Array): number {
    const nw = this.workers.length;
    this.theta.set(theta);
    Atomics.store(this.ctrl, 1, 0);
    Atomics.add(this.ctrl, 0, 1);
    Atomics.notify(this.ctrl, 0);
    let loss = multinomialKernel(theta, grad, this.data, this.d, this.k, this.yi, this.sw, this.swSum, this.bounds[0]!, this.bounds[1]!);
    for (;;) {
      const done = Atomics.load(this.ctrl, 1);
      if (done >= nw) break;
      Atomics.wait(this.ctrl, 1, done, 60_000);
    }
    if (Atomics.load(this.ctrl, 3) === 1) throw new Error("KernelPool: a worker thread failed while evaluating the loss");
    for (let t = 0; t < nw; t++) {
      loss += this.losses[t + 1]!;
      const g = this.grads[t]!;
      for (let j = 0; j < grad.length; j++) grad[j]! += g[j]!;
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
