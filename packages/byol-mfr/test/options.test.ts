import { describe, expect, it } from "vitest";
import { findLatestCheckpoint, memoryBags, pretrain, readLogRows, resolveConfig } from "../src/index";
import { SMALL, syntheticCohort } from "./synthetic";
import { tempDir } from "./temp-dir";

describe("options", () => {
  it("paperCompat: teacher-latent MFR target and constant τ 0.996 (the rest stays fixed)", async () => {
    const cfg = resolveConfig({ paperCompat: true });
    expect([cfg.mfrTarget, cfg.emaSchedule, cfg.emaTau]).toEqual(["teacher-latent", "constant", 0.996]);
    expect(resolveConfig({}).mfrTarget).toBe("input");
    const { bags } = syntheticCohort({ slidesPerClass: 2, n05: 8, n20: 4 });
    const dir = tempDir("bm-compat-");
    const res = await pretrain({
      bags: memoryBags(bags), weightsDir: dir,
      config: { paperCompat: true, seed: 3, aggregator: SMALL.aggregator, decoder: SMALL.decoder, threads: 1, logEverySteps: 1, phase1: { epochs: 2, warmupSteps: 1 } },
    });
    expect(res.phase1Steps).toBe(4);
    const ckpt = await findLatestCheckpoint(dir);
    expect(ckpt?.state.schedule.tau).toBe(0.996);
    const rows = await readLogRows(res.logJsonl);
    expect(rows.every((r) => Number.isFinite(r.loss_mfr) && r.loss_mfr > 0)).toBe(true);
  });

  it("maxSteps shortens a phase and its schedule: lr reaches 0 at the last allowed step", async () => {
    const { bags } = syntheticCohort({ slidesPerClass: 4, n05: 8, n20: 4 });
    const dir = tempDir("bm-max-");
    const res = await pretrain({
      bags: memoryBags(bags), weightsDir: dir,
      config: { seed: 3, aggregator: SMALL.aggregator, decoder: SMALL.decoder, threads: 1, logEverySteps: 1, phase1: { epochs: 5, warmupSteps: 2, maxSteps: 6 } },
    });
    expect(res.phase1Steps).toBe(6);
    const rows = await readLogRows(res.logJsonl);
    expect(rows.map((r) => r.lr / 1.5e-4)).toEqual([0.5, 1, 1, expect.closeTo(0.75, 12), expect.closeTo(0.25, 12), expect.closeTo(0, 12)]);
    expect((await findLatestCheckpoint(dir))?.state.phaseDone).toBe(true);
  });
});
