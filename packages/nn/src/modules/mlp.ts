import { Dropout, GELU, type Layer, ReLU, Sequential } from "./layer.js";
import { defaultRng, type InitOptions } from "./init.js";
import { Linear } from "./linear.js";

/** Options of {@link mlp}. */
export interface MlpOptions extends InitOptions {
  /** Activation between linears. @default "gelu" */
  activation?: "gelu" | "relu";
  /** Dropout after each hidden activation (0 = none, and no module is inserted). @default 0 */
  dropout?: number;
}

/**
 * An MLP as `nn.Sequential(Linear, act, [Dropout,] Linear, …)`, so names are `0.weight`, `2.weight`, …
 * exactly as the PyTorch Sequential. `dims` = [in, hidden…, out].
 */
export function mlp(dims: readonly number[], options: MlpOptions = {}): Sequential {
  const { activation = "gelu", dropout = 0, rng = defaultRng() } = options;
  if (dims.length < 2) throw new RangeError("mlp: needs at least [in, out]");
  const layers: Layer[] = [];
  for (let i = 0; i + 1 < dims.length; i++) {
    layers.push(new Linear(dims[i] as number, dims[i + 1] as number, { rng }));
    if (i + 2 < dims.length) {
      layers.push(activation === "gelu" ? new GELU() : new ReLU());
      if (dropout > 0) layers.push(new Dropout(dropout));
    }
  }
  return new Sequential(...layers);
}
