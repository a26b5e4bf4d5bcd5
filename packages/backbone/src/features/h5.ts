type H5wasm = typeof import("h5wasm/node");

let loading: Promise<H5wasm> | undefined;

/** The h5wasm module, imported and initialised on first use (encoding alone never loads it). */
export async function h5(): Promise<H5wasm> {
  loading ??= import("h5wasm/node").then(async (lib) => {
    await lib.ready;
    return lib;
  });
  return loading;
}
