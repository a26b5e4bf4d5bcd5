import { describe, expect, it } from "vitest";
import { Graph, type Tensor } from "../graph/graph.js";
import { add, exp, mul } from "../ops/elementwise.js";
import { reduceSum } from "../ops/reduce.js";
import { Session } from "../run/session.js";
import { withCustomGradient } from "./custom-grad.js";
import { grad } from "./grad.js";

describe("withCustomGradient", () => {
  it("replaces the rules of the subgraph between the inputs and the output, other paths keep theirs", async () => {
    const g = new Graph();
    const [a, b] = [g.input("a", [3]), g.input("b", [3])];
    // y = exp(a)·b, declared with a deliberately different VJP: dy/da := 2·gy, dy/db := −gy
    const y = withCustomGradient(mul(exp(a), b), [a, b], (gy) => [mul(gy, 2), mul(gy, -1)]);
    const loss = reduceSum(add(y, mul(a, a)), [0]); // the a·a path keeps its rule: 2a
    const [ga, gb] = grad(loss, [a, b]) as [Tensor, Tensor];
    g.output("ga", ga);
    g.output("gb", gb);
    const session = await Session.create(g);
    const r = await session.run({ a: { data: Float32Array.of(1, -2, 0.5), dims: [3] }, b: { data: Float32Array.of(4, 5, 6), dims: [3] } });
    await session.release();
    expect(Array.from(r.ga?.data as Float32Array)).toEqual([2 + 2, 2 - 4, 2 + 1]);
    expect(Array.from(r.gb?.data as Float32Array)).toEqual([-1, -1, -1]);
  });

  it("passes which inputs need a gradient", () => {
    const g = new Graph();
    const [a, b] = [g.input("a", [2]), g.input("b", [2])];
    let seen: readonly boolean[] = [];
    const y = withCustomGradient(mul(a, b), [a, b], (gy, needs) => {
      seen = needs;
      return [gy, null];
    });
    grad(reduceSum(y, [0]), [a]);
    expect(seen).toEqual([true, false]);
  });
});
