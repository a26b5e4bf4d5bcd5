import path from "node:path";
import { readSafetensors, TrainStep } from "@osfm/nn";
import { MilTransformerNet } from "@osfm/mil";
import { describe, expect, it } from "vitest";
import { MfrDecoder } from "./decoder";
import { byolMfrObjective } from "./loss";
import { StudentModel } from "./models";

const FILE = path.resolve(import.meta.dirname, "../../../tooling/reference/byol-mfr/parity_objective.safetensors");

describe("BYOL + MFR objective vs PyTorch (tooling/reference/byol-mfr/make_parity.py)", () => {
  it("loss within 1e-5 relative and every gradient within 1e-4 of its tensor's max |g|", async () => {
    const { tensors } = await readSafetensors(FILE);
    const get = (k: string) => tensors.get(k)?.data as Float32Array;
    const sub = (prefix: string) => new Map([...tensors].filter(([k]) => k.startsWith(prefix)).map(([k, t]) => [k.slice(prefix.length), t as { shape: readonly number[]; data: Float32Array }]));
    const agg = new MilTransformerNet({ dim: 16, depth: 1, heads: 2, ffnDim: 32, posHidden: 8, dropout: 0.1 });
    const dec = new MfrDecoder({ dim: 16, decDim: 8, depth: 1, heads: 2, ffnDim: 16, dropout: 0.1 });
    agg.loadStateDict(sub("agg."));
    dec.loadStateDict(sub("dec."));
    const student = new StudentModel(agg, dec);
    const step = await TrainStep.create(student, (g) => {
      const out = agg.forwardInputs(g);
      const masked = g.input("masked", ["batch", "tokens", 1]);
      const t = byolMfrObjective(g, out, dec, masked, out.pad, 0.5);
      return { loss: t.loss, outputs: { loss_byol: t.lossByol, loss_mfr: t.lossMfr } };
    }, { training: false, intraOpThreads: 1 });
    const [N, T, D] = [4, 7, 16];
    const r = await step.run({
      x: { data: get("in.x"), dims: [N, T, D] }, pos: { data: get("in.pos"), dims: [N, T, 3] },
      pad: { data: Uint8Array.from(get("in.pad")), dims: [N, T] }, masked: { data: get("in.masked"), dims: [N, T, 1] },
      byol_target: { data: get("in.byol_target"), dims: [N, D] }, mfr_target: { data: get("in.mfr_target"), dims: [N, T, D] },
      mfr_weight: { data: get("in.mfr_weight"), dims: [N, T] },
    });
    const ref = get("out.loss")[0] as number;
    expect(Math.abs(r.loss - ref) / ref).toBeLessThan(1e-5);
    expect(Number(r.outputs.loss_mfr?.data[0])).toBeCloseTo(get("out.loss_mfr")[0] as number, 5);
    let checked = 0;
    for (const [name, g] of step.grads) {
      const want = get(`grad.${name.replace(/^aggregator\./, "agg.").replace(/^decoder\./, "dec.")}`);
      expect(want, name).toBeDefined();
      const scale = Math.max(1e-8, ...Array.from(want, Math.abs));
      let worst = 0;
      for (let i = 0; i < g.length; i++) worst = Math.max(worst, Math.abs((g[i] as number) - (want[i] as number)));
      expect(worst / scale, name).toBeLessThan(1e-4);
      checked++;
    }
    expect(checked).toBe([...student.namedParameters()].length);
    await step.release();
  });
});
