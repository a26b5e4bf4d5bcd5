import { Worker } from "node:worker_threads";
import { fillKeepMask, type MaskData } from "./masks.js";

/** One mask to draw: the buffer to overwrite, the generator state to start from (advanced in place), p and its gap table. */
export interface MaskJob {
  out: MaskData;
  state: Uint32Array;
  p: number;
  gaps: Int32Array | null;
}

const source = `
const { parentPort } = require("node:worker_threads");
const __name = (f) => f;
const fillKeepMask = ${fillKeepMask.toString()};
parentPort.on("message", ({ id, jobs }) => {
  try {
    for (const j of jobs) fillKeepMask(j.out, j.state, j.p, j.gaps);
    parentPort.postMessage({ id, jobs }, jobs.map((j) => j.out.buffer));
  } catch (e) {
    parentPort.postMessage({ id, jobs, error: String(e) }, jobs.map((j) => j.out.buffer));
  }
});`;

/**
 * A worker thread that draws dropout keep-masks ({@link fillKeepMask}) while the main thread does
 * something else (the optimizer step between two runs). Buffers move to the worker and back
 * (transferred, not copied); a job's result is only used if the caller accepts it, so a caller that
 * discards it keeps its own generator state and draws the same stream itself.
 */
export class MaskWorker {
  private readonly worker: Worker;
  private next = 0;
  private readonly waiting = new Map<number, { resolve: (jobs: MaskJob[] | null) => void }>();
  private failed = false;

  constructor() {
    this.worker = new Worker(source, { eval: true });
    this.worker.on("message", (msg: { id: number; jobs: MaskJob[]; error?: string }) => {
      const w = this.waiting.get(msg.id);
      this.waiting.delete(msg.id);
      if (this.waiting.size === 0) this.worker.unref();
      w?.resolve(msg.error ? null : msg.jobs);
    });
    this.worker.on("error", () => this.fail());
    this.worker.on("exit", () => this.fail());
    this.worker.unref(); // idle: never keeps the process alive (after the listeners: a 'message' listener refs it)
  }

  /**
   * Draws `jobs` in the worker. The `out` buffers are detached here and come back in the result
   * (with the advanced states), or null if the worker failed (the buffers are then lost).
   */
  fill(jobs: readonly MaskJob[]): Promise<MaskJob[] | null> {
    if (this.failed) return Promise.resolve(null);
    const id = this.next++;
    return new Promise((resolve) => {
      if (this.waiting.size === 0) this.worker.ref(); // busy: keeps the process alive until the masks are back
      this.waiting.set(id, { resolve });
      try {
        this.worker.postMessage({ id, jobs }, jobs.map((j) => j.out.buffer as ArrayBuffer));
      } catch {
        this.waiting.delete(id);
        if (this.waiting.size === 0) this.worker.unref();
        resolve(null);
      }
    });
  }

  /** Stops the worker; pending fills resolve to null. */
  async close(): Promise<void> {
    this.failed = true;
    await this.worker.terminate();
    this.fail();
  }

  private fail(): void {
    this.failed = true;
    for (const w of this.waiting.values()) w.resolve(null);
    this.waiting.clear();
  }
}
