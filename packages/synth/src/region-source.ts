import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { RenderContext } from "./render";
import { renderRegion } from "./render";
import type { RenderRequest } from "./render-worker";
import type { SynthesizeSlideOptions } from "./types";

/** Renders regions for the writer; `close` frees its workers. */
export interface RegionRenderer {
  readRegion(x: number, y: number, w: number, h: number): Uint8Array | Promise<Uint8Array>;
  close(): Promise<void>;
}

const here = import.meta.url;
const fromSource = here.endsWith(".ts");

/** Whether worker threads can load the renderer: always from built JS; from TypeScript sources only under tsx. */
export function workersAvailable(): boolean {
  if (!fromSource) return true;
  return tsxApi() !== undefined && [...process.execArgv, process.env.NODE_OPTIONS ?? ""].some((a) => /\btsx\b/.test(a));
}

/** URL of tsx's register API, resolved from this file (so it works whatever the working directory). */
function tsxApi(): string | undefined {
  try {
    return import.meta.resolve("tsx/esm/api");
  } catch {
    return undefined;
  }
}

/** Default worker count: one per core beyond the writer's, at most 4; 0 when workers cannot load. */
export function defaultWorkers(): number {
  return workersAvailable() ? Math.max(1, Math.min(4, availableParallelism() - 1)) : 0;
}

/** Renders on the calling thread. */
export function inlineRenderer(ctx: RenderContext): RegionRenderer {
  return { readRegion: (x, y, w, h) => renderRegion(ctx, x, y, w, h), close: async () => undefined };
}

/**
 * Renders in `count` worker threads and prefetches the strips that follow each request (the writer
 * reads full-width strips top to bottom), so rendering overlaps tile encoding. Output is identical to
 * the inline renderer because rendering is a pure function of the region.
 */
export function workerRenderer(options: SynthesizeSlideOptions, count: number, heightPx: number): RegionRenderer {
  const { onProgress: _p, signal: _s, ...cloneable } = options;
  const url = new URL(fromSource ? "./render-worker.ts" : "./render-worker.js", here);
  // From TypeScript sources the worker registers tsx itself (loader hooks are per thread).
  const bootstrap = `import(${JSON.stringify(tsxApi() ?? "tsx/esm/api")}).then((m) => { m.register(); return import(${JSON.stringify(url.href)}); })`;
  const spawn = () =>
    fromSource ? new Worker(bootstrap, { eval: true, workerData: { options: cloneable } }) : new Worker(url, { workerData: { options: cloneable } });
  const workers = Array.from({ length: count }, spawn);
  const pending = new Map<number, { resolve: (d: Uint8Array) => void; reject: (e: unknown) => void }>();
  const prefetched = new Map<string, Promise<Uint8Array>>();
  let failure: unknown;
  let nextId = 0;
  for (const w of workers) {
    w.on("message", (m: { id: number; data: Uint8Array }) => {
      pending.get(m.id)?.resolve(m.data);
      pending.delete(m.id);
    });
    w.on("error", (e) => {
      failure = e;
      for (const p of pending.values()) p.reject(e);
      pending.clear();
    });
  }
  const dispatch = (x: number, y: number, w: number, h: number): Promise<Uint8Array> => {
    if (failure) return Promise.reject(failure);
    const id = nextId++;
    const worker = workers[id % workers.length] as Worker;
    const promise = new Promise<Uint8Array>((resolve, reject) => pending.set(id, { resolve, reject }));
    promise.catch(() => undefined); // prefetched strips may never be awaited
    worker.postMessage({ id, x, y, w, h } satisfies RenderRequest);
    return promise;
  };
  const depth = 2 * count;
  return {
    readRegion(x, y, w, h) {
      const key = `${x},${y},${w},${h}`;
      const result = prefetched.get(key) ?? dispatch(x, y, w, h);
      prefetched.delete(key);
      for (let k = 1; k <= depth; k++) {
        const ny = y + k * h;
        if (ny >= heightPx) break;
        const nh = Math.min(h, heightPx - ny);
        const nkey = `${x},${ny},${w},${nh}`;
        if (!prefetched.has(nkey)) prefetched.set(nkey, dispatch(x, ny, w, nh));
      }
      return result;
    },
    async close() {
      prefetched.clear();
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
