import { describe, expect, it } from "vitest";
import { gradCheck } from "../../test/gradcheck.js";
import type { Tensor } from "../graph/graph.js";
import { Rng } from "../rng.js";
import * as E from "../ops/elementwise.js";
import { matmul } from "../ops/linalg.js";

/** Random broadcast-compatible shape pairs: each dim of b is either a's dim or 1, and b may drop leading axes. */
function randomPair(rng: Rng): [number[], number[]] {
  const rank = 1 + Math.floor(rng.uniform() * 4);
  const a = Array.from({ length: rank }, () => 1 + Math.floor(rng.uniform() * 4));
  const keep = Math.floor(rng.uniform() * (rank + 1));
  const b = a.slice(rank - keep).map((d) => (rng.uniform() < 0.4 ? 1 : d));
  return rng.uniform() < 0.5 ? [a, b.length ? b : [1]] : [b.length ? b : [1], a];
}

describe("gradients on random broadcasting shapes (float64, rel err < 1e-5)", () => {
  const rng = new Rng(2026);
  const ops: [string, (a: Tensor, b: Tensor) => Tensor][] = [
    ["Add", E.add],
    ["Sub", E.sub],
    ["Mul", E.mul],
    ["Div", (a, b) => E.div(a, E.add(E.mul(b, b), 1))],
    ["Pow", (a, b) => E.pow(E.add(E.mul(a, a), 1), b)],
  ];
  for (const [name, f] of ops) {
    it(`${name} on 6 random shape pairs`, async () => {
      for (let k = 0; k < 6; k++) {
        const [sa, sb] = randomPair(rng);
        const r = await gradCheck([{ name: "a", shape: sa }, { name: "b", shape: sb }], (_g, [a, b]) => f(a as Tensor, b as Tensor), { seed: k });
        expect(r.worst, `${sa} vs ${sb}\n${r.details.join("\n")}`).toBeLessThan(1e-5);
      }
    });
  }
  it("MatMul with random batch broadcasting", async () => {
    for (let k = 0; k < 6; k++) {
      const [ba, bb] = randomPair(rng);
      const [m, n, p] = [1, 2, 3].map(() => 1 + Math.floor(rng.uniform() * 4)) as [number, number, number];
      const sa = [...ba.slice(-2), m, n];
      const sb = [...bb.slice(-2), n, p];
      const r = await gradCheck([{ name: "a", shape: sa }, { name: "b", shape: sb }], (_g, [a, b]) => matmul(a as Tensor, b as Tensor), { seed: k });
      expect(r.worst, `${sa} @ ${sb}\n${r.details.join("\n")}`).toBeLessThan(1e-5);
    }
  });
});
