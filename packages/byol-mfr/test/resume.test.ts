import path from "node:path";
import { readSafetensors } from "@osfm/nn";
import { describe, expect, it } from "vitest";
import { findLatestCheckpoint, memoryBags, pretrain, readLogRows } from "../src/index";
import { SMALL, syntheticCohort } from "./synthetic";
import { tempDir } from "./temp-dir";

const config = {
  seed: 5, aggregator: SMALL.aggregator, decoder: SMALL.decoder, threads: 2,
  phase1: { epochs: 2, batchSlides: 3, warmupSteps: 2, lr: 1e-3 }, saveEverySteps: 3, logEverySteps: 1,
};

async function weights(file: string): Promise<Map<string, Float32Array>> {
  const { tensors } = await readSafetensors(file);
  return new Map([...tensors].map(([k, t]) => [k, t.data as Float32Array]));
}

describe("exact resume", () => {
  it("a run stopped after 5 steps (no checkpoint at the stop) and resumed in a new call equals an uninterrupted run, bitwise", async () => {
    const { bags } = syntheticCohort({ slidesPerClass: 4, n05: 12, n20: 4 });
    const a = tempDir("bm-resume-a-");
    const b = tempDir("bm-resume-b-");
    const full = await pretrain({ bags: memoryBags(bags), weightsDir: a, config });
    expect(full.status).toBe("completed");
    expect(full.phase1Steps).toBe(8); // 12 slides / 3 = 4 steps per epoch, 2 epochs
    const stopped = await pretrain({ bags: memoryBags(bags), weightsDir: b, config, stopAfterSteps: 5 });
    expect(stopped.status).toBe("stopped");
    // newest checkpoint: the epoch end at step 4 (step 5 was lost with the "kill")
    expect((await findLatestCheckpoint(b))?.state.step).toBe(4);
    const resumed = await pretrain({ bags: memoryBags(bags), weightsDir: b, config });
    expect(resumed.status).toBe("completed");
    expect(resumed.studentFingerprint).toBe(full.studentFingerprint);
    expect(resumed.checkpoint).toBe("p1-e02-s000008");
    for (const part of ["student", "teacher"]) {
      const wa = await weights(path.join(a, "final", `${part}.safetensors`));
      const wb = await weights(path.join(b, "final", `${part}.safetensors`));
      for (const [k, v] of wa) expect(Buffer.compare(Buffer.from(v.buffer), Buffer.from((wb.get(k) as Float32Array).buffer)), `${part} ${k}`).toBe(0);
    }
    const optA = await weights(path.join(a, "p1-e02-s000008", "optimizer.safetensors"));
    const optB = await weights(path.join(b, "p1-e02-s000008", "optimizer.safetensors"));
    for (const [k, v] of optA) expect(Array.from(optB.get(k) as Float32Array)).toEqual(Array.from(v));
    // the log has each step exactly once, with the same losses
    const rowsA = await readLogRows(full.logJsonl);
    const rowsB = await readLogRows(resumed.logJsonl);
    expect(rowsB.map((r) => r.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(rowsB.map((r) => r.loss)).toEqual(rowsA.map((r) => r.loss));
  });

  it("an AbortSignal stops after the current step with a checkpoint, and the next call continues from it", async () => {
    const { bags } = syntheticCohort({ slidesPerClass: 4, n05: 8, n20: 4 });
    const dir = tempDir("bm-abort-");
    const controller = new AbortController();
    const first = await pretrain({
      bags: memoryBags(bags), weightsDir: dir, config: { ...config, saveEverySteps: 100 }, signal: controller.signal,
      onProgress: (p) => {
        if (p.step === 2) controller.abort();
      },
    });
    expect([first.status, first.phase1Steps]).toEqual(["aborted", 2]);
    expect((await findLatestCheckpoint(dir))?.state.tag).toBe("p1-e01-s000002");
    const second = await pretrain({ bags: memoryBags(bags), weightsDir: dir, config: { ...config, saveEverySteps: 100 } });
    expect([second.status, second.phase1Steps]).toEqual(["completed", 8]);
  });
});
