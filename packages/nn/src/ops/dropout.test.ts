import { describe, expect, it } from "vitest";
import { Graph } from "../graph/graph.js";
import { Session } from "../run/session.js";
import { exp, mul } from "./elementwise.js";
import { dropout } from "./nn-ops.js";
import { stochasticDepth } from "./regularize.js";

describe("random ops stay on in training graphs without a backward pass", () => {
  // onnxruntime deletes a Dropout whose mask nothing reads; the keep-alive slice must stop that
  it("dropout between two ops and stochastic depth drop in a forward-only run", async () => {
    const g = new Graph({ training: true, seed: 1 });
    g.output("y", mul(dropout(exp(g.input("x", [1000])), 0.5), 2));
    g.output("z", mul(stochasticDepth(exp(g.input("w", [400, 2])), 0.5), 2));
    const s = await Session.create(g, { intraOpThreads: 1 });
    const r = await s.run({ x: { data: new Float32Array(1000), dims: [1000] }, w: { data: new Float32Array(800), dims: [400, 2] } });
    const y = r.y?.data as Float32Array;
    const z = r.z?.data as Float32Array;
    const yZeros = y.filter((v) => v === 0).length;
    expect(yZeros).toBeGreaterThan(400);
    expect(yZeros).toBeLessThan(600);
    y.forEach((v) => expect([0, 4]).toContain(v));
    const rowsDropped = Array.from({ length: 400 }, (_, i) => z[2 * i]).filter((v) => v === 0).length;
    expect(rowsDropped).toBeGreaterThan(140);
    expect(rowsDropped).toBeLessThan(260);
    for (let i = 0; i < 400; i++) expect(z[2 * i + 1]).toBe(z[2 * i]); // one draw per row
  });
});
