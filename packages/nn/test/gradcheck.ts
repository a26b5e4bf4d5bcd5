import { grad } from "../src/autodiff/grad.js";
import { Graph, type Tensor } from "../src/graph/graph.js";
import type { Parameter } from "../src/graph/parameter.js";
import type { DType, Shape } from "../src/graph/types.js";
import { mul } from "../src/ops/elementwise.js";
import { reduceSum } from "../src/ops/reduce.js";
import { MaskStream } from "../src/run/masks.js";
import { Session } from "../src/run/session.js";
import { Rng } from "../src/rng.js";

/** One input of a gradient check. */
export interface CheckInput {
  name: string;
  shape: number[];
  dtype?: DType;
  /** Fixed values (else N(0,1), or |N|+0.5 with `positive`). */
  data?: ArrayLike<number>;
  positive?: boolean;
  /** Not differentiated (e.g. bool masks, int indices). */
  constant?: boolean;
}

/** Result of a gradient check: worst relative error over all directional derivatives. */
export interface CheckResult {
  worst: number;
  checks: number;
  details: string[];
}

type Data = Float32Array | Float64Array;

/**
 * Checks analytic gradients against central finite differences along random directions.
 * loss = Σ out ⊙ R with a fixed random R. Inputs and (optionally) module parameters are perturbed
 * one at a time along 3 random unit directions v each; error = |fd − ∇·v| / max(‖∇‖, 1e-3), i.e.
 * relative to the largest possible directional derivative (robust to float32 rounding near zero).
 */
export async function gradCheck(
  inputs: CheckInput[],
  build: (g: Graph, xs: Tensor[]) => Tensor,
  options: { dtype?: "float32" | "float64"; h?: number; params?: [string, Parameter][]; training?: boolean; seed?: number; fedMasks?: boolean } = {},
): Promise<CheckResult> {
  const dtype = options.dtype ?? "float64";
  const h = options.h ?? (dtype === "float64" ? 1e-6 : 1e-2);
  const rng = new Rng(options.seed ?? 7);
  // fedMasks: dropout masks are graph inputs, drawn once here and fed to every run (fixed masks)
  const g = new Graph({ training: options.training ?? false, dropoutMasks: options.fedMasks ? "inputs" : "onnx" });
  if (options.params) g.bindParameters(options.params);
  const xs = inputs.map((i) => g.input(i.name, i.shape, i.dtype ?? dtype));
  const out = build(g, xs);
  const concrete = out.shape.map((d) => (typeof d === "number" ? d : NaN));
  if (concrete.some(Number.isNaN)) throw new Error("gradCheck: output shape must be static");
  const n = concrete.reduce((a, b) => a * b, 1);
  const R = dtype === "float64" ? new Float64Array(n) : new Float32Array(n);
  for (let i = 0; i < n; i++) R[i] = rng.normal();
  const loss = reduceSum(mul(out, g.constant(R, concrete, out.dtype)), out.shape.map((_, i) => i));
  const diffInputs = inputs.map((i, k) => ({ i, t: xs[k] as Tensor })).filter(({ i }) => !i.constant);
  const params = [...g.paramTensors];
  const grads = grad(loss, [...diffInputs.map((d) => d.t), ...params.map(([, t]) => t)]);
  g.output("loss", loss);
  grads.forEach((t, k) => g.output(`g${k}`, t));
  const session = await Session.create(g, { intraOpThreads: 1 });
  const feeds: Record<string, { data: never; dims: number[] }> = {};
  for (const i of inputs) {
    const dt = i.dtype ?? dtype;
    const size = i.shape.reduce((a, b) => a * b, 1);
    let data: ArrayLike<number> = i.data ?? Array.from({ length: size }, () => (i.positive ? Math.abs(rng.normal()) + 0.5 : rng.normal()));
    const typed =
      dt === "float64" ? Float64Array.from(data) : dt === "float32" ? Float32Array.from(data) : dt === "int64" ? BigInt64Array.from(Array.from(data, (v) => BigInt(v))) : Uint8Array.from(data);
    feeds[i.name] = { data: typed as never, dims: i.shape };
    data = [];
  }
  for (const m of g.maskInputs.values()) {
    const dims = m.tensor.shape as number[];
    const n = dims.reduce((a, b) => a * b, 1);
    const data = m.tensor.dtype === "float16" ? new Uint16Array(n) : new Uint8Array(n);
    new MaskStream(m.seed, m.p).fill(data);
    feeds[m.tensor.name] = { data: data as never, dims };
  }
  const run = async () => (await session.run(feeds)) as Record<string, { data: Data }>;
  const lossAt = async () => Number((await session.run(feeds, ["loss"])).loss?.data[0]);
  const base = await run();
  const targets: { label: string; data: Data; grad: Data }[] = [
    ...diffInputs.map((d, k) => ({ label: d.i.name, data: feeds[d.i.name]?.data as unknown as Data, grad: base[`g${k}`]?.data as Data })),
    ...params.map(([name], k) => ({ label: name, data: g.paramObjects.get(name)?.data as Data, grad: base[`g${diffInputs.length + k}`]?.data as Data })),
  ];
  let worst = 0;
  const details: string[] = [];
  for (const t of targets) {
    let gnorm = 0;
    for (let i = 0; i < t.grad.length; i++) gnorm += (t.grad[i] as number) ** 2;
    gnorm = Math.sqrt(gnorm);
    for (let rep = 0; rep < 3; rep++) {
      const v = Array.from({ length: t.data.length }, () => rng.normal());
      const vn = Math.hypot(...v);
      for (let i = 0; i < v.length; i++) v[i] = (v[i] as number) / vn; // unit direction: tiny per-element steps
      const orig = Float64Array.from(t.data);
      let analytic = 0;
      for (let i = 0; i < v.length; i++) analytic += (t.grad[i] as number) * (v[i] as number);
      for (let i = 0; i < v.length; i++) t.data[i] = (orig[i] as number) + h * (v[i] as number);
      const lp = await lossAt();
      for (let i = 0; i < v.length; i++) t.data[i] = (orig[i] as number) - h * (v[i] as number);
      const lm = await lossAt();
      t.data.set(orig);
      const fd = (lp - lm) / (2 * h);
      const err = Math.abs(fd - analytic) / Math.max(gnorm, 1e-3);
      if (err > worst) worst = err;
      details.push(`${t.label}: fd ${fd.toPrecision(6)} analytic ${analytic.toPrecision(6)} err ${err.toExponential(2)}`);
    }
  }
  await session.release();
  if (process.env.OSFM_PRINT) process.stdout.write(`gradcheck ${dtype} worst ${worst.toExponential(2)} (${inputs.map((i) => i.name).join(",")})\n`);
  return { worst, checks: details.length, details };
}

/** Shapes helper for readability. */
export type { Shape };
