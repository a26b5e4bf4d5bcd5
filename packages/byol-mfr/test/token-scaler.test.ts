import { mkdtempSync, rmSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Graph, Session } from "@osfm/nn";
import { BagScaler, type SlideBag } from "@osfm/mil";
import { afterAll, describe, expect, it } from "vitest";
import { ByolMfrError, findLatestCheckpoint, loadTokenScaler, memoryBags, pretrain, readLogRows } from "../src/index";
import { standardizeTokens } from "../src/graphs";
import { SMALL, syntheticCohort } from "./synthetic";

const config = {
  seed: 5, aggregator: SMALL.aggregator, decoder: SMALL.decoder, threads: 2, standardizeTokens: true, tokenStdFloor: 1e-4,
  phase1: { epochs: 2, batchSlides: 3, warmupSteps: 2, lr: 1e-3 }, saveEverySteps: 3, logEverySteps: 1,
};

/** x·a_j + b_j per dimension j: a common offset far larger than the spread, and per-dimension gains. */
function affine(bags: readonly SlideBag[], dim = 32): SlideBag[] {
  const t = (f: Float32Array) => f.map((v, i) => v * (0.5 + (i % dim) / dim) + 40 + (i % dim));
  return bags.map((b) => ({ ...b, features05: t(b.features05), features20: t(b.features20) }));
}

/** A fresh temporary folder, removed after the tests. */
const made: string[] = [];
function tempDir(prefix: string): string {
  const d = mkdtempSync(path.join(tmpdir(), prefix));
  made.push(d);
  return d;
}

describe("standardizeTokens", () => {
  const { bags } = syntheticCohort({ slidesPerClass: 4, n05: 12, n20: 4 });
  afterAll(() => {
    for (const d of made) rmSync(d, { recursive: true, force: true });
  });

  it("fits the statistics over every bag, saves them with checkpoints and final/, and loadTokenScaler reads them back", async () => {
    const dir = tempDir("bm-std-");
    const raw = affine(bags);
    const res = await pretrain({ bags: memoryBags(raw), weightsDir: dir, config });
    expect(res.status).toBe("completed");
    const want = BagScaler.fit(raw, { minStd: 1e-4 });
    const fromFinal = await loadTokenScaler(path.join(dir, "final"));
    const ckpt = await findLatestCheckpoint(dir);
    const fromCkpt = await loadTokenScaler(ckpt?.dir as string);
    for (const s of ["scale05", "scale20"] as const) {
      expect(fromFinal?.stats(s)).toEqual(want.stats(s));
      expect(fromCkpt?.stats(s)).toEqual(want.stats(s));
    }
    expect(res.tokenScalerPath).toBe(path.join(dir, "final", "token_scaler.safetensors"));
    expect(JSON.parse(await readFile(path.join(dir, "final", "tokens.json"), "utf8"))).toEqual({ standardized: true, scaler: "token_scaler.safetensors", minStd: 1e-4 });
    expect(ckpt?.state.standardizeTokens).toBe(true);
    // the transformed bag is what the aggregator was trained on: zero mean, unit SD per dimension over the cohort
    const z = raw.map((b) => fromFinal?.transform(b) as SlideBag);
    const col = (j: number) => z.flatMap((b) => Array.from({ length: b.features05.length / 32 }, (_, t) => b.features05[t * 32 + j] as number));
    const c0 = col(0);
    const mean = c0.reduce((a, v) => a + v, 0) / c0.length;
    expect(Math.abs(mean)).toBeLessThan(1e-5);
    expect(Math.sqrt(c0.reduce((a, v) => a + (v - mean) ** 2, 0) / c0.length)).toBeCloseTo(1, 4);
    // a run without the option says so, and loadTokenScaler returns undefined for it
    const plain = tempDir("bm-std-off-");
    await pretrain({ bags: memoryBags(raw), weightsDir: plain, config: { ...config, standardizeTokens: false, phase1: { ...config.phase1, epochs: 1 } } });
    expect(await loadTokenScaler(path.join(plain, "final"))).toBeUndefined();
    await expect(loadTokenScaler(plain)).rejects.toThrow(ByolMfrError); // neither final/ nor a checkpoint
    expect(await loadTokenScaler(plain, { ifMissing: "none" })).toBeUndefined();
    // resuming a run with the other setting is refused
    await expect(pretrain({ bags: memoryBags(raw), weightsDir: plain, config: { ...config, phase1: { ...config.phase1, epochs: 1 } } })).rejects.toThrow(/standardizeTokens false/);
  });

  it("makes training invariant to per-dimension offsets and gains of the features (losses equal to 1e-4 relative; without it they differ)", async () => {
    const run = async (b: readonly SlideBag[], standardize: boolean) => {
      const res = await pretrain({ bags: memoryBags(b), weightsDir: tempDir("bm-std-inv-"), config: { ...config, standardizeTokens: standardize } });
      return (await readLogRows(res.logJsonl)).map((r) => r.loss);
    };
    const [a, b] = [await run(bags, true), await run(affine(bags), true)];
    a.forEach((l, i) => expect(Math.abs(l - (b[i] as number)) / l).toBeLessThan(1e-4));
    const [c, d] = [await run(bags, false), await run(affine(bags), false)];
    expect(Math.max(...c.map((l, i) => Math.abs(l - (d[i] as number)) / l))).toBeGreaterThan(1e-2);
  });

  it("resumes bitwise: a run stopped after 5 steps and resumed equals an uninterrupted run", async () => {
    const raw = affine(bags);
    const [a, b] = [tempDir("bm-std-ra-"), tempDir("bm-std-rb-")];
    const full = await pretrain({ bags: memoryBags(raw), weightsDir: a, config });
    expect((await pretrain({ bags: memoryBags(raw), weightsDir: b, config, stopAfterSteps: 5 })).status).toBe("stopped");
    const resumed = await pretrain({ bags: memoryBags(raw), weightsDir: b, config });
    expect(resumed.studentFingerprint).toBe(full.studentFingerprint);
    expect(await readFile(path.join(b, "final", "token_scaler.safetensors"))).toEqual(await readFile(path.join(a, "final", "token_scaler.safetensors")));
  });

  it("in the phase-2 graphs, standardises each token with the statistics of its scale, as BagScaler.transform does", async () => {
    const raw = affine(bags).slice(0, 3);
    const scaler = BagScaler.fit(raw, { minStd: 1e-4 });
    const bag = raw[0] as SlideBag;
    const [n05, n20] = [bag.features05.length / 32, bag.features20.length / 32];
    const T = n05 + n20;
    const g = new Graph({ training: false, name: "std" });
    const x = g.input("x", [1, T, 32]);
    const pos = g.input("pos", [1, T, 3]);
    g.output("z", standardizeTokens(g, x, pos, scaler));
    const session = await Session.create(g, { intraOpThreads: 1 });
    const feats = new Float32Array(T * 32);
    feats.set(bag.features05, 0);
    feats.set(bag.features20, n05 * 32);
    const p = new Float32Array(T * 3);
    for (let t = 0; t < T; t++) p[t * 3 + 2] = t < n05 ? 0.5 : 2;
    const out = await session.run({ x: { data: feats, dims: [1, T, 32] }, pos: { data: p, dims: [1, T, 3] } });
    await session.release();
    const want = scaler.transform(bag);
    const z = out.z?.data as Float32Array;
    const expected = [...want.features05, ...want.features20];
    expected.forEach((v, i) => expect(Math.abs((z[i] as number) - v)).toBeLessThan(1e-5 * Math.max(1, Math.abs(v))));
  });
});
