import type { Tensor } from "../graph/graph.js";
import { dropout } from "../ops/nn-ops.js";
import { gelu, relu } from "../ops/elementwise.js";
import { Module } from "./module.js";

/** A module with a one-tensor forward (what {@link Sequential} chains). */
export abstract class Layer extends Module {
  /** Appends this layer's ops to `x`'s graph. */
  abstract forward(x: Tensor): Tensor;
}

/** Exact GELU (PyTorch `nn.GELU()`), the native ONNX Gelu op. */
export class GELU extends Layer {
  forward(x: Tensor): Tensor {
    return gelu(x);
  }
}

/** ReLU (PyTorch `nn.ReLU()`). */
export class ReLU extends Layer {
  forward(x: Tensor): Tensor {
    return relu(x);
  }
}

/** Inverted dropout (PyTorch `nn.Dropout(p)`): active only in a training-mode graph, seeded from the graph seed. */
export class Dropout extends Layer {
  constructor(readonly p = 0.5) {
    super();
  }
  forward(x: Tensor): Tensor {
    return dropout(x, this.p);
  }
}

/** Runs layers in order; children are named "0", "1", … as in `nn.Sequential`. */
export class Sequential extends Layer {
  readonly layers: readonly Layer[];
  constructor(...layers: Layer[]) {
    super();
    this.layers = layers;
    layers.forEach((l, i) => this.registerModule(String(i), l));
  }
  forward(x: Tensor): Tensor {
    return this.layers.reduce((h, l) => l.forward(h), x);
  }
}

/** A list of modules named "0", "1", … (PyTorch `nn.ModuleList`). */
export class ModuleList<M extends Module> extends Module {
  readonly items: readonly M[];
  constructor(items: M[]) {
    super();
    this.items = items;
    items.forEach((m, i) => this.registerModule(String(i), m));
  }
}
