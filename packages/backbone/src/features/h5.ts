import * as h5wasm from "h5wasm/node";

let ready: Promise<unknown> | undefined;

/** The h5wasm module, initialised once per process. */
export async function h5(): Promise<typeof h5wasm> {
  ready ??= h5wasm.ready;
  await ready;
  return h5wasm;
}
