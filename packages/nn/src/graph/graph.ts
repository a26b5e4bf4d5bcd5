import { ShapeError } from "../errors.js";
import { makeData, toHalf } from "./data.js";
import { Parameter } from "./parameter.js";
import type { Attr, ConstTensor, DType, Shape, TensorData } from "./types.js";

/** One ONNX node: an op applied to input tensors, producing output tensors. */
export interface Node {
  readonly op: string;
  /** `""` for the default ONNX domain, `"com.microsoft"` for onnxruntime contrib ops. */
  readonly domain: string;
  readonly name: string;
  /** Inputs in ONNX order; `null` for an omitted optional input. */
  readonly inputs: readonly (Tensor | null)[];
  readonly outputs: Tensor[];
  readonly attrs: Readonly<Record<string, Attr>>;
}

/** A symbolic tensor: a named value of a graph with a dtype and a static (possibly symbolic) shape. */
export class Tensor {
  /** The node that computes this tensor; undefined for graph inputs, parameters and constants. */
  producer: Node | undefined;
  constructor(
    readonly graph: Graph,
    readonly name: string,
    readonly dtype: DType,
    readonly shape: Shape,
  ) {}
  /** Number of dimensions. */
  get rank(): number {
    return this.shape.length;
  }
}

/** How a graph holds parameters: `"inputs"` (training: fed each run, no copy) or `"initializers"` (export). */
export type ParamMode = "inputs" | "initializers";

/** Options of {@link Graph}. */
export interface GraphOptions {
  /** @default "inputs" */
  params?: ParamMode;
  /** Train mode: dropout and stochastic depth are active. @default false */
  training?: boolean;
  /** Graph name written into the ONNX file. @default "osfm" */
  name?: string;
  /** Base seed for dropout ops (each op gets seed + its index). @default 0 */
  seed?: number;
  /**
   * Element type of parameter initializers: `"float16"` halves the file and runs half-precision
   * kernels (inference only, `params: "initializers"`). @default "float32"
   */
  paramDtype?: "float32" | "float16";
  /**
   * Where dropout masks come from in training graphs: `"onnx"` (the ONNX Dropout op draws them
   * inside onnxruntime, one thread) or `"inputs"` (bool graph inputs that {@link Session} fills
   * (uint8 0/1) from a seeded stream before each run, several times faster; needs the masked tensor's dims to
   * be static or named graph-input dims, else the op falls back to `"onnx"`). @default "onnx"
   */
  dropoutMasks?: "onnx" | "inputs";
}

/** A dropout keep-mask fed as a graph input (see {@link GraphOptions.dropoutMasks}). */
export interface MaskInput {
  readonly tensor: Tensor;
  /** Drop probability. */
  readonly p: number;
  /** Seed of its stream (graph seed + random-op index). */
  readonly seed: number;
}

/** A graph input or output declaration. */
export interface GraphValue {
  readonly tensor: Tensor;
  readonly name: string;
}

/**
 * A graph under construction: inputs, parameters, constants and nodes in topological order.
 * Ops (`matmul`, `add`, …) append nodes and check shapes immediately, so a mismatch throws a
 * {@link ShapeError} at build time naming the op and both shapes.
 */
export class Graph {
  readonly nodes: Node[] = [];
  readonly inputs: Tensor[] = [];
  readonly outputs: GraphValue[] = [];
  /** Constants (always initializers) and, in `"initializers"` mode, parameters. */
  readonly initializers = new Map<string, ConstTensor>();
  /** Parameter tensors by parameter name. */
  readonly paramTensors = new Map<string, Tensor>();
  /** Parameter objects by parameter name (for feeding or writing initializers). */
  readonly paramObjects = new Map<string, Parameter>();
  readonly paramMode: ParamMode;
  readonly training: boolean;
  readonly name: string;
  readonly seed: number;
  readonly paramDtype: "float32" | "float16";
  private readonly names = new Set<string>();
  private readonly paramNames = new Map<Parameter, string>();
  private readonly constCache = new Map<string, Tensor>();
  private counter = 0;
  /** Tensors made by `stopGradient`: autodiff treats them as constants. */
  readonly stopGradients = new Set<Tensor>();
  /** Number of random ops created so far (each gets a distinct seed). */
  randomOps = 0;
  /**
   * Nodes emitted whenever their inputs are, though no output reads them (see `dropout`: they keep
   * onnxruntime from deleting a Dropout whose mask nothing else reads).
   */
  readonly keepAlive = new Set<Node>();
  /** Dropout keep-masks fed as inputs, by input tensor. */
  readonly maskInputs = new Map<Tensor, MaskInput>();
  readonly dropoutMasks: "onnx" | "inputs";

  constructor(options: GraphOptions = {}) {
    const { params = "inputs", training = false, name = "osfm", seed = 0, paramDtype = "float32", dropoutMasks = "onnx" } = options;
    this.dropoutMasks = dropoutMasks;
    if (paramDtype === "float16" && (params !== "initializers" || training)) {
      throw new Error('Graph: paramDtype "float16" is for inference graphs (params: "initializers", training: false)');
    }
    this.paramDtype = paramDtype;
    this.paramMode = params;
    this.training = training;
    this.name = name;
    this.seed = seed;
  }

  /** Returns a fresh value name starting with `base`. */
  uniqueName(base: string): string {
    let name = base;
    while (this.names.has(name)) name = `${base}_${++this.counter}`;
    this.names.add(name);
    return name;
  }

  /** Declares a graph input (e.g. `x: [batch, tokens, 768] float32`). */
  input(name: string, shape: Shape, dtype: DType = "float32"): Tensor {
    if (this.names.has(name)) throw new Error(`Graph.input: name "${name}" is already used`);
    this.names.add(name);
    const t = new Tensor(this, name, dtype, shape);
    this.inputs.push(t);
    return t;
  }

  /**
   * Declares a 0/1 keep-mask input of a dropout op, filled by the Session before each run: uint8, or
   * float16 (0 and 1.0) for a mask applied as a float16 → float32 Cast (see `dropoutUnscaled`).
   */
  maskInput(shape: Shape, p: number, seed: number, dtype: "uint8" | "float16" = "uint8"): Tensor {
    const t = new Tensor(this, this.uniqueName(`dropout_mask.${seed - this.seed}`), dtype, shape);
    this.inputs.push(t);
    this.maskInputs.set(t, { tensor: t, p, seed });
    return t;
  }

  /** Marks a tensor as a graph output under `name` (an Identity is inserted when the name differs). */
  output(name: string, tensor: Tensor): void {
    if (tensor.graph !== this) throw new Error(`Graph.output: "${name}" belongs to another graph`);
    let t = tensor;
    if (t.name !== name) {
      if (this.names.has(name)) throw new Error(`Graph.output: name "${name}" is already used`);
      this.names.add(name);
      t = new Tensor(this, name, tensor.dtype, tensor.shape);
      const node: Node = { op: "Identity", domain: "", name: `n_${name}`, inputs: [tensor], outputs: [t], attrs: {} };
      t.producer = node;
      this.nodes.push(node);
    }
    this.outputs.push({ tensor: t, name });
  }

  /** Registers the names of a module tree's parameters (`prefix.name`), so {@link Graph.param} can find them. */
  bindParameters(named: Iterable<readonly [string, Parameter]>): void {
    for (const [name, p] of named) this.paramNames.set(p, name);
  }

  /** The tensor of a bound parameter: a graph input (training) or an initializer (export). */
  param(p: Parameter): Tensor {
    const name = this.paramNames.get(p);
    if (name === undefined) {
      throw new Error("Graph.param: parameter is not bound; call graph.bindParameters(model.namedParameters()) first");
    }
    const existing = this.paramTensors.get(name);
    if (existing) return existing;
    if (this.names.has(name)) throw new Error(`Graph.param: name "${name}" is already used`);
    this.names.add(name);
    const t = new Tensor(this, name, this.paramDtype, p.shape);
    this.paramTensors.set(name, t);
    this.paramObjects.set(name, p);
    if (this.paramMode === "inputs") this.inputs.push(t);
    else this.initializers.set(name, { dtype: this.paramDtype, shape: p.shape, data: this.paramDtype === "float16" ? toHalf(p.data) : p.data });
    return t;
  }

  /** A constant tensor stored as an initializer. */
  constant(data: TensorData, shape: readonly number[], dtype: DType, base = "const"): Tensor {
    const name = this.uniqueName(base);
    this.initializers.set(name, { dtype, shape, data });
    return new Tensor(this, name, dtype, shape);
  }

  /** The constant cached under `key` in this graph, made by `make` the first time it is asked for. */
  cachedConstant(key: string, make: () => Tensor): Tensor {
    const hit = this.constCache.get(key);
    if (hit) return hit;
    const t = make();
    this.constCache.set(key, t);
    return t;
  }

  /** A cached scalar constant (rank 0) of a dtype. */
  scalar(value: number, dtype: DType = "float32"): Tensor {
    const key = `${dtype}:${Object.is(value, -0) ? "-0" : value}`;
    return this.cachedConstant(key, () => this.constant(makeData(dtype, [value]), [], dtype, "scalar"));
  }

  /** A cached int64 vector constant (axes, shapes, pads). */
  int64s(values: readonly number[]): Tensor {
    return this.cachedConstant(`i64:[${values.join(",")}]`, () => this.constant(BigInt64Array.from(values, (v) => BigInt(v)), [values.length], "int64", "ints"));
  }

  /**
   * Appends a node. `outs` gives each output's dtype and shape (already inferred by the op builder).
   * Returns the output tensors.
   */
  addNode(
    op: string,
    inputs: readonly (Tensor | null)[],
    outs: readonly { dtype: DType; shape: Shape }[],
    attrs: Record<string, Attr> = {},
    domain = "",
  ): Tensor[] {
    for (const t of inputs) {
      if (t && t.graph !== this) throw new ShapeError(op, inputs.filter((x) => x !== null).map((x) => x.shape), "inputs come from different graphs");
    }
    const base = op.toLowerCase();
    const outputs = outs.map((o) => new Tensor(this, this.uniqueName(base), o.dtype, o.shape));
    const node: Node = { op, domain, name: this.uniqueName(`n_${base}`), inputs, outputs, attrs };
    for (const t of outputs) t.producer = node;
    this.nodes.push(node);
    return outputs;
  }

  /** Adds an extra output to an existing node (e.g. LayerNormalization's saved mean for the backward pass). */
  extendNode(node: Node, dtype: DType, shape: Shape): Tensor {
    const t = new Tensor(this, this.uniqueName(`${node.op.toLowerCase()}_extra`), dtype, shape);
    t.producer = node;
    node.outputs.push(t);
    return t;
  }
}
