import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { grad } from "../src/autodiff/grad.js";
import { Graph, type Tensor } from "../src/graph/graph.js";
import { readSafetensors, type NamedTensor } from "../src/io/safetensors.js";
import { MultiheadAttention } from "../src/modules/attention.js";
import { ConvNeXtBlock } from "../src/modules/convnext.js";
import { mlp } from "../src/modules/mlp.js";
import type { Module } from "../src/modules/module.js";
import { TransformerEncoderLayer } from "../src/modules/transformer.js";
import { mul, sub } from "../src/ops/elementwise.js";
import { reduceMean, reduceSum } from "../src/ops/reduce.js";
import { Session } from "../src/run/session.js";
import { AdamW } from "../src/train/adamw.js";
import { warmupCosine } from "../src/train/schedule.js";
import { TrainStep } from "../src/train/train-step.js";
import { Trainer } from "../src/train/trainer.js";

/**
 * Parity with PyTorch 1.13 (values made by tooling/reference/nn/make_parity.py and committed).
 * Tolerance: for every tensor, max |ours − torch| ≤ 1e-4 · max |torch| (relative to the tensor's scale).
 */
const REL = 1e-4;
const refDir = resolve(dirname(fileURLToPath(import.meta.url)), "../../../tooling/reference/nn");
const { tensors } = await readSafetensors(resolve(refDir, "parity.safetensors"));
const meta = JSON.parse(await readFile(resolve(refDir, "parity.json"), "utf8")) as {
  cases: Record<string, { params: string[]; inputs: string[] }>;
  adamw: { lr: number; lr_first: number; weight_decay: number; max_norm: number; warmup: number; total: number; warmup_start: number; min_factor: number; steps: number; losses: number[]; grad_norms: number[] };
};
const ref = (name: string): NamedTensor => {
  const t = tensors.get(name);
  if (!t) throw new Error(`parity.safetensors has no "${name}"`);
  return t;
};

function relErr(ours: ArrayLike<number>, theirs: ArrayLike<number>): number {
  let maxDiff = 0;
  let scale = 0;
  for (let i = 0; i < theirs.length; i++) {
    maxDiff = Math.max(maxDiff, Math.abs((ours[i] as number) - (theirs[i] as number)));
    scale = Math.max(scale, Math.abs(theirs[i] as number));
  }
  expect(ours.length).toBe(theirs.length);
  return maxDiff / Math.max(scale, 1e-12);
}

function loadCase(prefix: string, model: Module): void {
  const w = new Map<string, { shape: readonly number[]; data: ArrayLike<number> }>();
  for (const n of meta.cases[prefix]?.params ?? []) w.set(n, ref(`${prefix}.param.${n}`) as never);
  model.loadStateDict(w);
}

/** Builds out = forward(inputs), loss = Σ out ⊙ R; returns worst relative errors of output and gradients. */
async function compare(prefix: string, model: Module, forward: (x: Tensor, pad?: Tensor) => Tensor) {
  loadCase(prefix, model);
  const g = model.bind(new Graph({ training: false }));
  const xRef = ref(`${prefix}.input.x`);
  const x = g.input("x", xRef.shape);
  const hasPad = tensors.has(`${prefix}.input.pad`);
  const pad = hasPad ? g.input("pad", ref(`${prefix}.input.pad`).shape, "bool") : undefined;
  const y = forward(x, pad);
  const R = ref(`${prefix}.R`);
  const loss = reduceSum(mul(y, g.constant(R.data as Float32Array, R.shape, "float32")), y.shape.map((_, i) => i));
  const names = [...g.paramTensors.keys()];
  const grads = grad(loss, [x, ...names.map((n) => g.paramTensors.get(n) as Tensor)]);
  g.output("y", y);
  grads.forEach((t, i) => g.output(`g${i}`, t));
  const s = await Session.create(g, { intraOpThreads: 1 });
  const feeds: Record<string, { data: Float32Array | Uint8Array; dims: readonly number[] }> = { x: { data: xRef.data as Float32Array, dims: xRef.shape } };
  if (hasPad) {
    const p = ref(`${prefix}.input.pad`);
    feeds.pad = { data: Uint8Array.from(p.data as Float32Array), dims: p.shape };
  }
  const r = await s.run(feeds);
  const errs: Record<string, number> = { output: relErr(r.y?.data as Float32Array, ref(`${prefix}.output`).data as Float32Array) };
  errs["grad_input.x"] = relErr(r.g0?.data as Float32Array, ref(`${prefix}.grad_input.x`).data as Float32Array);
  names.forEach((n, i) => {
    errs[`grad.${n}`] = relErr(r[`g${i + 1}`]?.data as Float32Array, ref(`${prefix}.grad.${n}`).data as Float32Array);
  });
  expect(names.sort()).toEqual([...(meta.cases[prefix]?.params ?? [])].sort());
  return errs;
}

function expectAll(errs: Record<string, number>) {
  if (process.env.OSFM_PRINT) console.log(Math.max(...Object.values(errs)).toExponential(2), JSON.stringify(errs));
  const bad = Object.entries(errs).filter(([, e]) => !(e <= REL));
  expect(bad, JSON.stringify(errs)).toEqual([]);
}

describe("parity with PyTorch 1.13 (same weights via safetensors), max error ≤ 1e-4 of each tensor's scale", () => {
  it("MultiheadAttention with key padding mask: output and every gradient", async () => {
    const m = new MultiheadAttention(32, 4);
    expectAll(await compare("mha", m, (x, pad) => m.forward(x, x, x, pad ? { keyPaddingMask: pad } : {})));
  });
  it("TransformerEncoderLayer pre-norm ReLU with padding mask", async () => {
    const m = new TransformerEncoderLayer(32, 4, { dimFeedforward: 64, normFirst: true, activation: "relu" });
    expectAll(await compare("tel_pre", m, (x, pad) => m.forward(x, pad)));
  });
  it("TransformerEncoderLayer post-norm GELU with padding mask", async () => {
    const m = new TransformerEncoderLayer(32, 4, { dimFeedforward: 64, normFirst: false, activation: "gelu" });
    expectAll(await compare("tel_post", m, (x, pad) => m.forward(x, pad)));
  });
  it("torchvision ConvNeXt block", async () => {
    const m = new ConvNeXtBlock(16, { stochasticDepthProb: 0.1 });
    expectAll(await compare("convnext", m, (x) => m.forward(x)));
  });
  it("small MLP (Linear, GELU, Linear)", async () => {
    const m = mlp([12, 24, 5]);
    expectAll(await compare("mlp", m, (x) => m.forward(x)));
  });

  it("100 AdamW steps (2 lr groups, no decay on biases, clipping 1.0, warmup + cosine) give the same parameters", async () => {
    const c = meta.adamw;
    const net = mlp([6, 12, 3]);
    const init = new Map<string, { shape: readonly number[]; data: ArrayLike<number> }>();
    for (const [n] of net.namedParameters()) init.set(n, ref(`adamw.init.${n}`) as never);
    net.loadStateDict(init);
    const step = await TrainStep.create(net, (g) => {
      const d = sub(net.forward(g.input("x", [16, 6])), g.input("y", [16, 3]));
      return { loss: reduceMean(mul(d, d), [0, 1]) };
    }, { intraOpThreads: 1 });
    const opt = new AdamW(net.namedParameters(), {
      lr: c.lr, weightDecay: c.weight_decay, noDecayBiasesAndNorms: true,
      groups: [{ name: "first", match: (n) => n.startsWith("0."), lr: c.lr_first }],
    });
    const trainer = new Trainer(step, opt, {
      maxGradNorm: c.max_norm,
      schedule: warmupCosine({ warmupSteps: c.warmup, totalSteps: c.total, warmupStartFactor: c.warmup_start, minFactor: c.min_factor }),
    });
    const feeds = { x: { data: ref("adamw.x").data as Float32Array, dims: [16, 6] }, y: { data: ref("adamw.y").data as Float32Array, dims: [16, 3] } };
    let clipped = 0;
    for (let i = 0; i < c.steps; i++) {
      const r = await trainer.microStep(feeds);
      expect(Math.abs(r.loss - (c.losses[i] as number))).toBeLessThanOrEqual(REL * Math.abs(c.losses[i] as number));
      expect(Math.abs((r.gradNorm as number) - (c.grad_norms[i] as number))).toBeLessThanOrEqual(REL * (c.grad_norms[i] as number));
      if ((r.gradNorm as number) > c.max_norm) clipped++;
    }
    expect(clipped).toBeGreaterThan(10);
    const errs: Record<string, number> = {};
    for (const [n, p] of net.namedParameters()) errs[n] = relErr(p.data, ref(`adamw.final.${n}`).data as Float32Array);
    expectAll(errs);
  });
});
