import { Worker } from "node:worker_threads";
import { WsiError, type WsiErrorCode } from "./errors";
import { type DecodeTask, runDecodeTask } from "./decode-task";

interface Pending {
  resolve: (data: Uint8Array) => void;
  reject: (err: unknown) => void;
  path: string;
}
interface Slot {
  worker: Worker;
  busy: number;
}

/**
 * Starts the worker script next to this module: `decode-worker.js` when built; when running from the
 * TypeScript sources (tests, `--conditions=@osfm/source`) the `.ts` file is loaded through tsx's loader.
 */
function startWorker(): Worker {
  if (!import.meta.url.endsWith(".ts")) return new Worker(new URL("./decode-worker.js", import.meta.url));
  const target = new URL("./decode-worker.ts", import.meta.url).href;
  const boot = `import("tsx/esm/api").then((m) => m.register()).then(() => import(${JSON.stringify(target)}));`;
  return new Worker(boot, { eval: true });
}

/**
 * A pool of decode worker threads. Size 0 decodes on the calling thread. Tasks may be aborted with an
 * AbortSignal: an aborted task rejects at once with `ABORTED` and its result is dropped when it arrives.
 * A worker that dies fails its tasks with `DECODE_FAILED` and is replaced.
 */
export class DecodePool {
  readonly size: number;
  private readonly slots: Slot[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closed = false;

  /** @param size number of worker threads; 0 = decode on the main thread. */
  constructor(size: number) {
    this.size = Math.max(0, Math.floor(size));
  }

  private spawn(): Slot {
    const worker = startWorker();
    worker.unref();
    const slot: Slot = { worker, busy: 0 };
    worker.on("message", (msg: { id: number; data?: Uint8Array; error?: { message: string; code?: WsiErrorCode } }) => {
      const p = this.pending.get(msg.id);
      slot.busy = Math.max(0, slot.busy - 1);
      if (p === undefined) return; // aborted meanwhile
      this.pending.delete(msg.id);
      if (msg.data !== undefined) p.resolve(msg.data);
      else p.reject(new WsiError(msg.error?.code ?? "DECODE_FAILED", p.path, (msg.error?.message ?? "decode failed").replace(`${p.path}: `, "")));
    });
    const fail = (why: string) => {
      const i = this.slots.indexOf(slot);
      if (i >= 0) this.slots.splice(i, 1);
      for (const [id, p] of [...this.pending]) {
        if ((p as Pending & { slot?: Slot }).slot !== slot) continue;
        this.pending.delete(id);
        p.reject(new WsiError("DECODE_FAILED", p.path, `decode worker ${why}`));
      }
    };
    worker.on("error", (e) => fail(`failed: ${e.message}`));
    worker.on("exit", (code) => { if (!this.closed) fail(`exited with code ${code}`); });
    this.slots.push(slot);
    return slot;
  }

  /** Decodes one tile, in a worker when the pool has any. */
  run(task: DecodeTask, signal?: AbortSignal): Promise<Uint8Array> {
    const path = task.ctx.path;
    if (signal?.aborted) return Promise.reject(new WsiError("ABORTED", path, "read aborted", { cause: signal.reason }));
    if (this.closed) return Promise.reject(new WsiError("CLOSED", path, "slide is closed"));
    if (this.size === 0) return runDecodeTask(task);
    let slot = this.slots.reduce<Slot | undefined>((best, s) => (best === undefined || s.busy < best.busy ? s : best), undefined);
    if (slot === undefined || (slot.busy > 0 && this.slots.length < this.size)) slot = this.spawn();
    const chosen = slot;
    const id = this.nextId++;
    return new Promise<Uint8Array>((resolve, reject) => {
      const entry: Pending & { slot: Slot } = { resolve, reject, path, slot: chosen };
      this.pending.set(id, entry);
      chosen.busy++;
      const onAbort = () => {
        if (this.pending.delete(id)) reject(new WsiError("ABORTED", path, "read aborted", { cause: signal?.reason }));
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      const done = () => signal?.removeEventListener("abort", onAbort);
      entry.resolve = (d) => { done(); resolve(d); };
      entry.reject = (e) => { done(); reject(e); };
      const raw = task.raw.slice();
      chosen.worker.postMessage({ id, task: { ...task, raw } }, [raw.buffer]);
    });
  }

  /** Terminates the workers; pending tasks fail with `CLOSED`. */
  async close(): Promise<void> {
    this.closed = true;
    for (const [id, p] of [...this.pending]) {
      this.pending.delete(id);
      p.reject(new WsiError("CLOSED", p.path, "slide closed during read"));
    }
    await Promise.all(this.slots.splice(0).map((s) => s.worker.terminate()));
  }
}
