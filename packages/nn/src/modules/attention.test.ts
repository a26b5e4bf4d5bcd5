import { describe, expect, it } from "vitest";
import { grad } from "../autodiff/grad.js";
import { Graph } from "../graph/graph.js";
import { mul } from "../ops/elementwise.js";
import { reduceSum } from "../ops/reduce.js";
import { Session } from "../run/session.js";
import { Rng } from "../rng.js";
import { MultiheadAttention } from "./attention.js";

/** Output and input gradient of self-attention over x [2, 6, 16] with the last 2 keys of batch 1 padded. */
async function run(headsPerGroup: number): Promise<{ y: Float32Array; dx: Float32Array; softmaxes: number }> {
  const mha = new MultiheadAttention(16, 4, { rng: new Rng(5), headsPerGroup });
  const g = mha.bind(new Graph());
  const x = g.input("x", [2, 6, 16]);
  const pad = g.input("pad", [2, 6], "bool");
  const y = mha.forward(x, x, x, { keyPaddingMask: pad });
  const r = g.input("r", [2, 6, 16]);
  const [dx] = grad(reduceSum(mul(y, r), [0, 1, 2]), [x]);
  g.output("y", y);
  g.output("dx", dx!);
  const rng = new Rng(8);
  const data = (n: number) => Float32Array.from({ length: n }, () => rng.normal());
  const s = await Session.create(g, { intraOpThreads: 1 });
  const out = await s.run({
    x: { data: data(192), dims: [2, 6, 16] },
    pad: { data: Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1]), dims: [2, 6] },
    r: { data: data(192), dims: [2, 6, 16] },
  });
  await s.release();
  return { y: out.y!.data as Float32Array, dx: out.dx!.data as Float32Array, softmaxes: g.nodes.filter((n) => n.op === "Softmax").length };
}

const maxRelDiff = (a: Float32Array, b: Float32Array): number => {
  const scale = Math.max(...Array.from(b, Math.abs));
  return Math.max(...Array.from(a, (v, i) => Math.abs(v - (b[i] as number)))) / scale;
};

describe("MultiheadAttention heads in groups", () => {
  it("gives the values and gradients of all heads at once (groups of 1 and 2 heads vs 4)", async () => {
    const all = await run(4);
    expect(all.softmaxes).toBe(1);
    for (const h of [1, 2]) {
      const grouped = await run(h);
      expect(grouped.softmaxes).toBe(4 / h);
      expect(maxRelDiff(grouped.y, all.y)).toBeLessThan(1e-6);
      expect(maxRelDiff(grouped.dx, all.dx)).toBeLessThan(1e-6);
    }
  });
  it("defaults to 2 heads per group (all heads when the count is odd) and rejects a size that does not divide the heads", () => {
    expect(new MultiheadAttention(16, 4).headsPerGroup).toBe(2);
    expect(new MultiheadAttention(15, 3).headsPerGroup).toBe(3);
    expect(() => new MultiheadAttention(16, 4, { headsPerGroup: 3 })).toThrow(/headsPerGroup must divide 4 heads, got 3/);
  });
  it("differentiates the padded-key scores through hd-wide products (no hd + 1 columns) and feeds training masks as float16 0/1", () => {
    const mha = new MultiheadAttention(16, 4, { rng: new Rng(5), dropout: 0.1 });
    const g = mha.bind(new Graph({ training: true, dropoutMasks: "inputs" }));
    const x = g.input("x", [2, 6, 16]);
    const y = mha.forward(x, x, x, { keyPaddingMask: g.input("pad", [2, 6], "bool") });
    const before = g.nodes.length;
    grad(reduceSum(y, [0, 1, 2]), [x]);
    const backward = g.nodes.slice(before).filter((n) => n.op === "MatMul");
    expect(backward.length).toBeGreaterThan(0);
    expect(backward.filter((n) => n.outputs[0]?.shape.at(-1) === 5)).toEqual([]); // hd = 4
    const masks = [...g.maskInputs.values()];
    expect(masks.map((m) => m.tensor.dtype)).toEqual(["float16", "float16"]);
  });
});
