import type { Graph } from "../graph/graph.js";
import { Parameter } from "../graph/parameter.js";
import { WeightsError } from "../errors.js";

/**
 * Base of every layer: owns parameters and child modules under PyTorch's names, so
 * `namedParameters()` yields `layers.0.self_attn.in_proj_weight` exactly as `state_dict()` would.
 * Subclasses add a `forward(...)` that appends ops to a graph.
 */
export abstract class Module {
  private readonly ownParams = new Map<string, Parameter>();
  private readonly children = new Map<string, Module>();

  /** Registers a parameter under `name` and returns it. */
  registerParameter(name: string, p: Parameter): Parameter {
    this.ownParams.set(name, p);
    return p;
  }

  /** Registers a child module under `name` (e.g. `"self_attn"` or `"0"`) and returns it. */
  registerModule<M extends Module>(name: string, m: M): M {
    this.children.set(name, m);
    return m;
  }

  /** Child modules in registration order. */
  namedChildren(): [string, Module][] {
    return [...this.children];
  }

  /** Every parameter of this tree with its dotted name, in registration order (as PyTorch). */
  *namedParameters(prefix = ""): Generator<[string, Parameter]> {
    for (const [n, p] of this.ownParams) yield [prefix + n, p];
    for (const [n, m] of this.children) yield* m.namedParameters(`${prefix}${n}.`);
  }

  /** Parameters as a name → Parameter map. */
  stateDict(): Map<string, Parameter> {
    return new Map(this.namedParameters());
  }

  /** Total number of scalar parameters. */
  numParameters(): number {
    let n = 0;
    for (const [, p] of this.namedParameters()) n += p.data.length;
    return n;
  }

  /** Binds this tree's parameter names to a graph so layers can call `graph.param(p)`. Returns the graph. */
  bind(graph: Graph): Graph {
    graph.bindParameters(this.namedParameters());
    return graph;
  }

  /**
   * Copies weights in by name (e.g. from a safetensors file). With `strict` (default), every
   * parameter must be present and no extra name may appear; shapes must match exactly.
   */
  loadStateDict(weights: ReadonlyMap<string, { shape: readonly number[]; data: ArrayLike<number> }>, strict = true): void {
    const own = this.stateDict();
    for (const [name, p] of own) {
      const w = weights.get(name);
      if (!w) {
        if (strict) throw new WeightsError(`missing tensor "${name}" [${p.shape.join(", ")}]`, undefined, name);
        continue;
      }
      if (w.shape.length !== p.shape.length || w.shape.some((d, i) => d !== p.shape[i])) {
        throw new WeightsError(`tensor "${name}" has shape [${w.shape.join(", ")}], model expects [${p.shape.join(", ")}]`, undefined, name);
      }
      p.set(w.data);
    }
    if (strict) {
      for (const name of weights.keys()) {
        if (!own.has(name)) throw new WeightsError(`unexpected tensor "${name}"`, undefined, name);
      }
    }
  }
}

export { Parameter };
