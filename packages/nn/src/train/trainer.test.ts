import { describe, expect, it } from "vitest";
import { NonFiniteError } from "../errors.js";
import { Graph } from "../graph/graph.js";
import { Linear } from "../modules/linear.js";
import { mlp } from "../modules/mlp.js";
import { log, mul, sub } from "../ops/elementwise.js";
import { reduceMean } from "../ops/reduce.js";
import { Session } from "../run/session.js";
import { Rng } from "../rng.js";
import { grad } from "../autodiff/grad.js";
import { dropout } from "../ops/nn-ops.js";
import { reduceSum } from "../ops/reduce.js";
import { AdamW } from "./adamw.js";
import { clipGradNorm } from "./clip.js";
import { Ema } from "./ema.js";
import { cosineRamp, warmupCosine } from "./schedule.js";
import { TrainStep } from "./train-step.js";
import { Trainer } from "./trainer.js";

const rng = new Rng(11);
const rand = (n: number) => Float32Array.from({ length: n }, () => rng.normal());

async function regression(model: ReturnType<typeof mlp>, rows: number | string) {
  return TrainStep.create(model, (g) => {
    const x = g.input("x", [rows, 4]);
    const y = g.input("y", [rows, 2]);
    const d = sub(model.forward(x), y);
    return { loss: reduceMean(mul(d, d), [0, 1]) };
  }, { intraOpThreads: 1 });
}

describe("training", () => {
  it("stops on a NaN loss with the step number and leaves the weights untouched", async () => {
    const lin = new Linear(3, 1, { rng });
    const step = await TrainStep.create(lin, (g) => ({ loss: reduceMean(log(lin.forward(g.input("x", [2, 3]))), [0, 1]) }), { intraOpThreads: 1 });
    const trainer = new Trainer(step, new AdamW(lin.namedParameters(), { lr: 0.1 }));
    lin.weight.data.set([1, 1, 1]);
    lin.bias?.data.set([0]);
    await trainer.microStep({ x: { data: Float32Array.from([1, 2, 3, 1, 1, 1]), dims: [2, 3] } });
    const before = Float32Array.from(lin.weight.data);
    const err = await trainer.microStep({ x: { data: Float32Array.from([-5, -5, -5, 1, 1, 1]), dims: [2, 3] } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NonFiniteError);
    expect((err as NonFiniteError).step).toBe(1);
    expect((err as NonFiniteError).message).toMatch(/non-finite loss \(NaN\) at step 1/);
    expect(lin.weight.data).toEqual(before);
  });

  it("accumulating 2 half batches equals one step on the full batch (within 1e-6)", async () => {
    const [a, b] = [mlp([4, 8, 2], { rng: new Rng(5) }), mlp([4, 8, 2], { rng: new Rng(5) })];
    const x = rand(8 * 4);
    const y = rand(8 * 2);
    const full = new Trainer(await regression(a, 8), new AdamW(a.namedParameters(), { lr: 0.01 }), { maxGradNorm: 0.5 });
    const acc = new Trainer(await regression(b, 4), new AdamW(b.namedParameters(), { lr: 0.01 }), { maxGradNorm: 0.5, accumulationSteps: 2 });
    for (let s = 0; s < 3; s++) {
      const r = await full.microStep({ x: { data: x, dims: [8, 4] }, y: { data: y, dims: [8, 2] } });
      expect(r.optimizerStep).toBe(s);
      const r1 = await acc.microStep({ x: { data: x.subarray(0, 16), dims: [4, 4] }, y: { data: y.subarray(0, 8), dims: [4, 2] } });
      expect(r1.optimizerStep).toBeUndefined();
      const r2 = await acc.microStep({ x: { data: x.subarray(16), dims: [4, 4] }, y: { data: y.subarray(8), dims: [4, 2] } });
      expect(r2.optimizerStep).toBe(s);
      expect(r2.gradNorm).toBeCloseTo(r.gradNorm as number, 5);
    }
    const pa = [...a.namedParameters()];
    const pb = new Map(b.namedParameters());
    for (const [name, p] of pa) {
      const q = pb.get(name)?.data as Float32Array;
      p.data.forEach((v, i) => expect(Math.abs(v - (q[i] as number))).toBeLessThan(1e-6));
    }
  });

  it("reduces a regression loss by > 10x in 200 AdamW steps with a warmup-cosine schedule", async () => {
    const model = mlp([4, 16, 2], { rng: new Rng(9) });
    const x = rand(32 * 4);
    const w = rand(4 * 2);
    const y = new Float32Array(32 * 2).map((_, k) => {
      const [r, c] = [Math.floor(k / 2), k % 2];
      return Math.tanh((x[r * 4] as number) * (w[c] as number) + (x[r * 4 + 1] as number) * (w[2 + c] as number));
    });
    const trainer = new Trainer(await regression(model, 32), new AdamW(model.namedParameters(), { lr: 0.02, weightDecay: 1e-4 }), {
      schedule: warmupCosine({ warmupSteps: 10, totalSteps: 200 }),
      maxGradNorm: 1,
    });
    const first = (await trainer.microStep({ x: { data: x, dims: [32, 4] }, y: { data: y, dims: [32, 2] } })).loss;
    let last = first;
    for (let i = 0; i < 199; i++) last = (await trainer.microStep({ x: { data: x, dims: [32, 4] }, y: { data: y, dims: [32, 2] } })).loss;
    expect(last).toBeLessThan(first / 10);
  });

  it("feeds parameters without copying and writes gradients into the same pre-allocated buffers", async () => {
    const lin = new Linear(2, 1, { rng });
    const step = await TrainStep.create(lin, (g) => ({ loss: reduceMean(lin.forward(g.input("x", [1, 2])), [0, 1]) }), { intraOpThreads: 1 });
    const gw = step.grads.get("weight") as Float32Array;
    const x = { x: { data: Float32Array.from([3, 4]), dims: [1, 2] } };
    lin.weight.data.set([1, 1]);
    lin.bias?.data.set([0]);
    expect((await step.run(x)).loss).toBeCloseTo(7, 6);
    expect([...gw]).toEqual([3, 4]);
    lin.weight.data[0] = 2; // in-place update is seen by the next run
    expect((await step.run(x)).loss).toBeCloseTo(10, 6);
    await step.run({ x: { data: Float32Array.from([5, 6]), dims: [1, 2] } });
    expect(step.grads.get("weight")).toBe(gw);
    expect([...gw]).toEqual([5, 6]);
  });

  it("skips (instead of throwing) a non-finite step when asked, and AdamW state round-trips for resume", async () => {
    const lin = new Linear(3, 1, { rng });
    const step = await TrainStep.create(lin, (g) => ({ loss: reduceMean(log(lin.forward(g.input("x", [1, 3]))), [0, 1]) }), { intraOpThreads: 1 });
    const opt = new AdamW(lin.namedParameters(), { lr: 0.05 });
    const trainer = new Trainer(step, opt, { onNonFinite: "skip" });
    lin.weight.data.set([1, 1, 1]);
    lin.bias?.data.set([0]);
    const good = { x: { data: Float32Array.from([1, 2, 3]), dims: [1, 3] } };
    await trainer.microStep(good);
    const before = Float32Array.from(lin.weight.data);
    const bad = await trainer.microStep({ x: { data: Float32Array.from([-1, -1, -1]), dims: [1, 3] } });
    expect(bad.skipped).toBe(true);
    expect(lin.weight.data).toEqual(before);
    expect(opt.stepCount).toBe(1);
    // resume: a fresh optimizer loaded with the saved moments takes the identical next step
    const twin = new Linear(3, 1);
    twin.loadStateDict(lin.stateDict());
    const opt2 = new AdamW(twin.namedParameters(), { lr: 0.05 });
    opt2.loadState(opt.stateTensors(), opt.stepCount);
    const g = new Map([["weight", Float32Array.from([0.1, -0.2, 0.3])], ["bias", Float32Array.from([0.5])]]);
    opt.step(g);
    opt2.step(g);
    expect(twin.weight.data).toEqual(lin.weight.data);
    expect(twin.bias?.data).toEqual(lin.bias?.data);
  });

  it("clips the global norm like torch (coef = max / (norm + 1e-6))", () => {
    const g1 = Float32Array.from([3, 0]);
    const g2 = Float32Array.from([0, 4]);
    expect(clipGradNorm([g1, g2], 1)).toBeCloseTo(5, 6);
    expect(Math.hypot(...g1, ...g2)).toBeCloseTo(1, 5);
    expect(clipGradNorm([Float32Array.from([Number.NaN])], 1)).toBeNaN();
  });

  it("schedules: warmup + cosine and the EMA momentum ramp hit their end points", () => {
    const s = warmupCosine({ warmupSteps: 10, totalSteps: 110, warmupStartFactor: 0.1, minFactor: 0.01 });
    expect(s(0)).toBeCloseTo(0.1, 12);
    expect(s(5)).toBeCloseTo(0.55, 12);
    expect(s(10)).toBeCloseTo(1, 12);
    expect(s(60)).toBeCloseTo(0.505, 12);
    expect(s(110)).toBeCloseTo(0.01, 12);
    expect(s(500)).toBeCloseTo(0.01, 12);
    const m = cosineRamp(0.996, 1, 100);
    expect(m(0)).toBeCloseTo(0.996, 12);
    expect(m(50)).toBeCloseTo(0.998, 12);
    expect(m(100)).toBeCloseTo(1, 12);
  });

  it("EMA: teacher ← τ·teacher + (1 − τ)·student by name", () => {
    const [student, teacher] = [new Linear(2, 2, { rng }), new Linear(2, 2, { rng })];
    const ema = new Ema(teacher, student);
    const t0 = Float32Array.from(teacher.weight.data);
    ema.update(0.9);
    teacher.weight.data.forEach((v, i) => expect(v).toBeCloseTo(0.9 * (t0[i] as number) + 0.1 * (student.weight.data[i] as number), 6));
    ema.copy();
    expect(teacher.weight.data).toEqual(student.weight.data);
  });

  it("dropout: off in eval graphs; in training its gradient is the saved mask / (1 − p)", async () => {
    const g = new Graph({ training: true, seed: 3 });
    const x = g.input("x", [400]);
    const y = dropout(x, 0.25);
    const r = g.constant(rand(400), [400], "float32");
    const [gx] = grad(reduceSum(mul(y, r), [0]), [x]);
    g.output("y", y);
    g.output("gx", gx as typeof x);
    const s = await Session.create(g, { intraOpThreads: 1 });
    const xs = Float32Array.from({ length: 400 }, (_, i) => 1 + (i % 7));
    const out = await s.run({ x: { data: xs, dims: [400] } });
    const yv = out.y?.data as Float32Array;
    const gv = out.gx?.data as Float32Array;
    const rv = g.initializers.get(r.name)?.data as Float32Array;
    let dropped = 0;
    yv.forEach((v, i) => {
      if (v === 0) dropped++;
      else expect(v).toBeCloseTo((xs[i] as number) / 0.75, 5);
      expect(gv[i]).toBeCloseTo(((rv[i] as number) * v) / (xs[i] as number), 5);
    });
    expect(dropped).toBeGreaterThan(60);
    expect(dropped).toBeLessThan(140);
    // same graph seed → same masks run for run in a new session; another seed → other masks
    const again = await (await Session.create(g, { intraOpThreads: 1 })).run({ x: { data: xs, dims: [400] } });
    expect(again.y?.data).toEqual(yv);
    const g2 = new Graph({ training: true, seed: 4 });
    g2.output("y", dropout(g2.input("x", [400]), 0.25));
    const other = await (await Session.create(g2, { intraOpThreads: 1 })).run({ x: { data: xs, dims: [400] } });
    expect(other.y?.data).not.toEqual(yv);
    const ge = new Graph({ training: false });
    expect(dropout(ge.input("x", [3]), 0.25).producer).toBeUndefined();
  });
});
