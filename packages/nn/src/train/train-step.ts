import { grad } from "../autodiff/grad.js";
import { Graph, type GraphOptions, type Tensor } from "../graph/graph.js";
import type { Parameter } from "../graph/parameter.js";
import type { Module } from "../modules/module.js";
import { attr } from "../graph/shape.js";
import { add } from "../ops/elementwise.js";
import { type Feed, type RunOutput, Session, type SessionOptions } from "../run/session.js";

/** What a training-graph builder returns: a one-element loss and any extra outputs to fetch. */
export interface TrainGraphSpec {
  loss: Tensor;
  outputs?: Record<string, Tensor>;
}

/** Options of {@link TrainStep.create}. */
export interface TrainStepOptions extends SessionOptions {
  /** Dropout seed of the graph. @default 0 */
  seed?: number;
  /** Build a training-mode graph (dropout on). @default true */
  training?: boolean;
  /** Which parameters get gradients. @default every parameter with requiresGrad used by the graph */
  trainable?: (name: string, p: Parameter) => boolean;
  /** Dropout masks drawn by the session and fed as inputs, or by onnxruntime's Dropout op (see `GraphOptions.dropoutMasks`). @default "inputs" */
  dropoutMasks?: "onnx" | "inputs";
}

/** Result of one forward + backward run. */
export interface TrainStepResult {
  loss: number;
  /** Σ over all gradients of g², computed by onnxruntime (global-norm clipping and NaN checks without a JS pass). */
  gradSqSum: number;
  /** The extra outputs requested by the builder. */
  outputs: Record<string, RunOutput>;
}

const GRAD_SQ_SUM = "grad_sq_sum";

/** Σ t² over all elements as one read-only pass (ONNX ReduceSumSquare; no squared copy of the gradient). */
function sumOfSquares(t: Tensor): Tensor {
  const g = t.graph;
  return g.addNode("ReduceSumSquare", [t, g.int64s(t.shape.map((_, i) => i))], [{ dtype: t.dtype, shape: [] }], { keepdims: attr.int(0) })[0] as Tensor;
}

/** Output name of the gradient of parameter `name`. */
export const gradOutputName = (name: string): string => `grad::${name}`;

/**
 * A model's forward and backward pass as ONE onnxruntime session: parameters are graph inputs fed
 * from their Float32Arrays, and gradients are written into pre-allocated Float32Arrays
 * ({@link TrainStep.grads}) on every run, so a step allocates no parameter-sized memory in JS.
 */
export class TrainStep {
  private constructor(
    readonly graph: Graph,
    readonly session: Session,
    /** Parameters that receive gradients, by PyTorch name. */
    readonly params: ReadonlyMap<string, Parameter>,
    /** Gradient buffers by parameter name, overwritten by each {@link TrainStep.run}. */
    readonly grads: ReadonlyMap<string, Float32Array>,
    private readonly extra: readonly string[],
    private readonly into: ReadonlyMap<string, Feed>,
  ) {}

  /** Builds the forward graph with `build`, differentiates the loss w.r.t. the parameters and opens a session. */
  static async create(model: Module, build: (g: Graph) => TrainGraphSpec, options: TrainStepOptions = {}): Promise<TrainStep> {
    const { seed = 0, training = true, trainable = (_n: string, p: Parameter) => p.requiresGrad, dropoutMasks = "inputs", ...sessionOptions } = options;
    const graphOptions: GraphOptions = { params: "inputs", training, seed, name: "train", dropoutMasks };
    const g = model.bind(new Graph(graphOptions));
    const spec = build(g);
    const used = [...g.paramTensors].filter(([name]) => {
      const p = g.paramObjects.get(name);
      return p !== undefined && trainable(name, p);
    });
    const gradTensors = grad(spec.loss, used.map(([, t]) => t));
    g.output("loss", spec.loss);
    const sq = gradTensors.map(sumOfSquares);
    g.output(GRAD_SQ_SUM, sq.length ? sq.reduce((a, b) => add(a, b)) : g.scalar(0));
    const extra = Object.keys(spec.outputs ?? {});
    for (const [name, t] of Object.entries(spec.outputs ?? {})) g.output(name, t);
    const params = new Map<string, Parameter>();
    const grads = new Map<string, Float32Array>();
    const into = new Map<string, Feed>();
    used.forEach(([name], i) => {
      const p = g.paramObjects.get(name) as Parameter;
      g.output(gradOutputName(name), gradTensors[i] as Tensor);
      params.set(name, p);
      const buf = new Float32Array(p.data.length);
      grads.set(name, buf);
      into.set(gradOutputName(name), { data: buf, dims: p.shape });
    });
    const session = await Session.create(g, sessionOptions);
    return new TrainStep(g, session, params, grads, extra, into);
  }

  /** Runs forward and backward; gradients land in {@link TrainStep.grads}. */
  async run(feeds: Record<string, Feed>): Promise<TrainStepResult> {
    const res = await this.session.run(feeds, undefined, this.into);
    const outputs: Record<string, RunOutput> = {};
    for (const name of this.extra) outputs[name] = res[name] as RunOutput;
    const lossData = res.loss?.data;
    return { loss: Number(lossData?.[0] ?? Number.NaN), gradSqSum: Number(res[GRAD_SQ_SUM]?.data[0] ?? Number.NaN), outputs };
  }

  /** Frees the session. */
  async release(): Promise<void> {
    await this.session.release();
  }
}
