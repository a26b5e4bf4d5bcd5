import { execFile } from "node:child_process";
import { readdirSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { findLatestCheckpoint, memoryBags, pretrain, readCheckpoint } from "../src/index";
import { SMALL, syntheticCohort } from "./synthetic";
import { tempDir } from "./temp-dir";

const run = promisify(execFile);
const here = path.dirname(new URL(import.meta.url).pathname);

describe("kill during a checkpoint write", () => {
  it("leaves the previous checkpoint loadable and the run resumable", async () => {
    const dir = tempDir("bm-kill-");
    const child = await run(process.execPath, ["--conditions=@osfm/source", "--import", "tsx", path.join(here, "kill-child.ts"), dir], { cwd: path.resolve(here, "..") }).catch((e: { signal?: string }) => e);
    expect((child as { signal?: string }).signal).toBe("SIGKILL");
    const entries = readdirSync(dir);
    expect(entries.some((e) => e.startsWith(".tmp-"))).toBe(true); // the half-written checkpoint
    const latest = await findLatestCheckpoint(dir);
    expect(latest?.state.tag).toBe("p1-e01-s000003");
    const again = await readCheckpoint(path.join(dir, "p1-e01-s000003"));
    expect([...again.parts.keys()].sort()).toEqual(["decoder", "optimizer", "student", "teacher"]);
    const { bags } = syntheticCohort({ slidesPerClass: 4, n05: 12, n20: 4 });
    const resumed = await pretrain({
      bags: memoryBags(bags), weightsDir: dir,
      config: { seed: 5, aggregator: SMALL.aggregator, decoder: SMALL.decoder, threads: 1, phase1: { epochs: 2, warmupSteps: 2, lr: 1e-3 }, saveEverySteps: 3, logEverySteps: 1 },
    });
    expect(resumed.status).toBe("completed");
    expect(resumed.phase1Steps).toBe(8);
  });
});
