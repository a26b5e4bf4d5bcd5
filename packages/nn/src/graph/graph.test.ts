import { describe, expect, it } from "vitest";
import { ShapeError } from "../errors.js";
import { add } from "../ops/elementwise.js";
import { matmul } from "../ops/linalg.js";
import { conv2d } from "../ops/nn-ops.js";
import { concat, reshape } from "../ops/shape-ops.js";
import { Session } from "../run/session.js";
import { Graph } from "./graph.js";

describe("graph builder", () => {
  it("rejects a MatMul with mismatched inner dims, naming the op and both shapes", () => {
    const g = new Graph();
    expect(() => matmul(g.input("a", [2, 3]), g.input("b", [4, 5]))).toThrow(
      new ShapeError("MatMul", [[2, 3], [4, 5]], "inner dims differ (3 vs 4)"),
    );
    expect(() => matmul(g.input("c", [2, 3]), g.input("d", [4, 5]))).toThrow(/MatMul.*\[2, 3\] and \[4, 5\]/);
  });

  it("rejects impossible broadcasts, reshapes, concats and convs at build time", () => {
    const g = new Graph();
    expect(() => add(g.input("a", [2, 3]), g.input("b", [4, 3]))).toThrow(/Add: cannot broadcast dim 2 with 4.*\[2, 3\] and \[4, 3\]/);
    expect(() => reshape(g.input("c", [2, 3]), [4, 2])).toThrow(/Reshape: 6 elements cannot take 8/);
    expect(() => concat([g.input("d", [2, 3]), g.input("e", [3, 3])], 1)).toThrow(/Concat: dim 0 differs/);
    expect(() => conv2d(g.input("f", [1, 3, 8, 8]), g.input("w", [4, 2, 3, 3]), null)).toThrow(/Conv: input has 3 channels/);
  });

  it("modules reject wrong feature sizes and masks when the graph is built", async () => {
    const { Linear } = await import("../modules/linear.js");
    const { MultiheadAttention } = await import("../modules/attention.js");
    const { LayerNorm } = await import("../modules/norm.js");
    const lin = new Linear(8, 4);
    const g = lin.bind(new Graph());
    expect(() => lin.forward(g.input("x", [2, 6]))).toThrow(/Linear: input has 6 features, weight expects 8 \(shapes \[2, 6\] and \[4, 8\]\)/);
    const mha = new MultiheadAttention(8, 2);
    const g2 = mha.bind(new Graph());
    const x = g2.input("x", [2, 5, 8]);
    expect(() => mha.forward(x, x, x, { keyPaddingMask: g2.input("m", [2, 5]) })).toThrow(/keyPaddingMask must be bool/);
    expect(() => mha.forward(g2.input("y", [2, 5, 6]), x, x)).toThrow(/MultiheadAttention: inputs must be \[batch, tokens, 8\]/);
    const ln = new LayerNorm(8);
    expect(() => ln.forward(ln.bind(new Graph()).input("z", [3, 7]))).toThrow(/LayerNorm: last dim 7 != 8/);
  });

  it("infers static and symbolic shapes", () => {
    const g = new Graph();
    const x = g.input("x", ["B", "T", 8]);
    const y = matmul(x, g.input("w", [8, 4]));
    expect(y.shape).toEqual(["B", "T", 4]);
    expect(reshape(y, [0, 0, 2, 2]).shape).toEqual(["B", "T", 2, 2]);
    expect(add(g.input("u", [3, 1]), g.input("v", [1, 5])).shape).toEqual([3, 5]);
  });

  it("runs a broadcasting graph on onnxruntime-node with the right numbers", async () => {
    const g = new Graph();
    const a = g.input("a", [2, 3]);
    const b = g.input("b", [3]);
    g.output("y", add(matmul(a, g.input("m", [3, 2])), 1));
    g.output("z", add(a, b));
    const s = await Session.create(g, { intraOpThreads: 1 });
    const r = await s.run({
      a: { data: Float32Array.from([1, 2, 3, 4, 5, 6]), dims: [2, 3] },
      b: { data: Float32Array.from([10, 20, 30]), dims: [3] },
      m: { data: Float32Array.from([1, 0, 0, 1, 1, 1]), dims: [3, 2] },
    });
    expect([...(r.y?.data as Float32Array)]).toEqual([5, 6, 11, 12]);
    expect([...(r.z?.data as Float32Array)]).toEqual([11, 22, 33, 14, 25, 36]);
  });
});
