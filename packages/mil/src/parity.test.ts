import path from "node:path";
import { fileURLToPath } from "node:url";
import { readSafetensors } from "@osfm/nn";
import { describe, expect, it } from "vitest";
import { MILTransformer } from "./aggregator";
import { AttentionMil } from "./grading-model";
import type { SlideBag } from "./types";

// Reference values from tooling/reference/mil/make_parity.py (PyTorch, eval mode, small dims).
const refDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../tooling/reference/mil");
const REL_TOL = 1e-4;

async function reference(file: string) {
  const { tensors } = await readSafetensors(path.join(refDir, file));
  const get = (name: string) => {
    const t = tensors.get(name);
    if (!t) throw new Error(`${file} has no tensor ${name}`);
    return { shape: t.shape, data: t.data as Float32Array };
  };
  const weights = new Map([...tensors].filter(([n]) => n.startsWith("w.")).map(([n, t]) => [n.slice(2), { shape: t.shape, data: t.data as Float32Array }]));
  return { get, weights };
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>): void {
  expect(actual.length).toBe(expected.length);
  let scale = 0;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i] as number));
  for (let i = 0; i < expected.length; i++) {
    expect(Math.abs((actual[i] as number) - (expected[i] as number))).toBeLessThanOrEqual(REL_TOL * Math.max(scale, 1e-6));
  }
}

/** Row `b` of a [B, T, D] tensor, first `n` tokens. */
const rows = (x: Float32Array, b: number, t: number, d: number, n: number) => x.slice(b * t * d, (b * t + n) * d);

describe("parity with the PyTorch reference modules (1e-4 relative to the largest output)", () => {
  it("MILTransformer: pooled, projected outputs with padding masks", async () => {
    const { get, weights } = await reference("parity_aggregator.safetensors");
    const agg = MILTransformer.create({ config: { dim: 32, depth: 2, heads: 4, ffnDim: 64, posHidden: 16 } });
    agg.net.loadStateDict(weights);
    const x = get("in.x");
    const pos = get("in.pos");
    const [B, T, D] = x.shape as [number, number, number];
    const lengths = Array.from(get("in.lengths").data);
    // tokens 0..6 are the 0.5 µm/px block, 7.. the 2.0 block (scale column set so in the reference)
    const bags: SlideBag[] = lengths.map((n, b) => {
      const n05 = Math.min(n, 7);
      const coords = (from: number, to: number) => Float32Array.from({ length: (to - from) * 2 }, (_, i) => pos.data[(b * T + from + (i >> 1)) * 3 + (i & 1)] as number);
      return {
        slideId: `ref-${b}`,
        features05: rows(x.data, b, T, D, n05),
        coords05: coords(0, n05),
        features20: x.data.slice((b * T + 7) * D, (b * T + n) * D),
        coords20: coords(7, n),
      };
    });
    // the reference bag of length 4 has no 2.0 tokens; compare it through the batch path with 7 + 0 only where defined
    const comparable = bags.filter((_, b) => (lengths[b] as number) > 7);
    const projected = await agg.embedBatch(comparable, { output: "projector" });
    const pooled = await agg.embedBatch(comparable, { output: "pooled" });
    const refProj = get("out.projected").data;
    const refPooled = get("out.pooled").data;
    comparable.forEach((_, i) => {
      expectClose(projected[i] as Float32Array, refProj.slice(i * D, (i + 1) * D));
      expectClose(pooled[i] as Float32Array, refPooled.slice(i * D, (i + 1) * D));
    });
    await agg.release();
  });

  it("AttentionMil: logits with padding and per-bag top-k", async () => {
    const { get, weights } = await reference("parity_grading.safetensors");
    const model = AttentionMil.create({ config: { dim: 32, heads: 4, ffnDim: 48, scorerHidden: 16, fusionDim: 24 } });
    model.net.loadStateDict(weights);
    const x05 = get("in.x05");
    const x20 = get("in.x20");
    const n05 = Array.from(get("in.n05").data);
    const n20 = Array.from(get("in.n20").data);
    const [, T05, D] = x05.shape as [number, number, number];
    const T20 = x20.shape[1] as number;
    const bags: SlideBag[] = n05.map((n, b) => ({
      features05: rows(x05.data, b, T05, D, n),
      coords05: new Float32Array(2 * n),
      features20: rows(x20.data, b, T20, D, n20[b] as number),
      coords20: new Float32Array(2 * (n20[b] as number)),
    }));
    expectClose(await model.logits(bags), get("out.logits").data);
    await model.release();
  });
});
