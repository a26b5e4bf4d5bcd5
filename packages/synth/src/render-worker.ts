// Worker entry: renders regions of one slide (see region-source.ts). Pure: same input, same pixels.
import { parentPort, workerData } from "node:worker_threads";
import { planLayout } from "./layout";
import { createRenderContext, renderRegion } from "./render";
import type { SynthesizeSlideOptions } from "./types";

/** One request to the worker: a level-0 rectangle. */
export interface RenderRequest {
  id: number;
  x: number;
  y: number;
  w: number;
  h: number;
}

const port = parentPort;
if (port) {
  const ctx = createRenderContext(planLayout((workerData as { options: SynthesizeSlideOptions }).options));
  port.on("message", (m: RenderRequest) => {
    const data = renderRegion(ctx, m.x, m.y, m.w, m.h);
    port.postMessage({ id: m.id, data }, [data.buffer as ArrayBuffer]);
  });
}
