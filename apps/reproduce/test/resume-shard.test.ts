import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readStageMarkers } from "../src/runner/markers";
import { shardOf } from "../src/runner/shard";
import { Workspace } from "../src/workspace/layout";
import { fixtureData, haveFixtures, runCli, startCli } from "./cli-helpers";
import { tempDir } from "./helpers";

const STAGES = "env,manifest";

/** The results a run leaves: the manifest table and every unit's fingerprint and status (not timings). */
async function results(ws: string): Promise<{ arrow: Buffer; csv: string; markers: string[] }> {
  const markers = [...(await readStageMarkers(new Workspace(ws), "manifest")).values()].map((m) => `${m.unit} ${m.fingerprint} ${m.status} ${JSON.stringify(m.row ?? null)}`).sort();
  return { arrow: await readFile(join(ws, "manifests", "slides.arrow")), csv: await readFile(join(ws, "manifests", "slides.csv"), "utf8"), markers };
}

async function allFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await allFiles(full)));
    else out.push(full);
  }
  return out;
}

describe.skipIf(!haveFixtures)("resume after kill -9", () => {
  it("finishes after several kills at random points, with results equal to an uninterrupted run", async () => {
    const root = await tempDir();
    const data = await fixtureData(root, 120);
    const reference = join(root, "ws-ref");
    const ref = await runCli(["run", "--data", data, "--workspace", reference, "--stages", STAGES]);
    expect(ref.code).toBe(0);
    const ws = join(root, "ws-killed");
    let seed = 12345;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    let killedMidRun = 0;
    for (let k = 0; k < 4; k++) {
      const child = startCli(["run", "--data", data, "--workspace", ws, "--stages", STAGES]);
      // Kill -9 after a random number of finished slides (so the kill lands mid-stage, wherever that is).
      const after = 1 + Math.floor(random() * 100);
      const exited = await new Promise<boolean>((res) => {
        let seen = 0;
        child.stdout!.on("data", (d: Buffer) => {
          seen += (d.toString().match(/^\[manifest\] \d+\/\d+ /gm) ?? []).length;
          if (seen >= after && child.exitCode === null) {
            child.kill("SIGKILL");
            res(false);
          }
        });
        child.on("exit", () => res(true));
      });
      if (!exited) killedMidRun++;
      await new Promise((r) => setTimeout(r, 100));
      // Nothing half-written: every marker that exists is whole JSON (writes are temp + rename).
      for (const f of (await allFiles(join(ws, "hashes")).catch(() => [] as string[])).filter((f) => f.endsWith(".json"))) JSON.parse(await readFile(f, "utf8"));
    }
    expect(killedMidRun).toBeGreaterThan(0);
    const final = await runCli(["run", "--data", data, "--workspace", ws, "--stages", STAGES]);
    expect(final.code).toBe(0);
    const [a, b] = [await results(reference), await results(ws)];
    expect(b.markers).toEqual(a.markers);
    expect(b.csv).toBe(a.csv);
    expect(Buffer.compare(b.arrow, a.arrow)).toBe(0);
    const leftovers = (await allFiles(ws)).filter((f) => f.includes(".osfm-tmp-"));
    expect(leftovers).toEqual([]);
    for (const f of (await allFiles(join(ws, "hashes"))).filter((f) => f.endsWith(".json"))) JSON.parse(await readFile(f, "utf8"));
  }, 120_000);
});

describe.skipIf(!haveFixtures)("--shard i/n", () => {
  it("three shard processes, then the cohort step, give the same results as one run", async () => {
    const root = await tempDir();
    const data = await fixtureData(root, 20);
    const single = join(root, "ws-single");
    expect((await runCli(["run", "--data", data, "--workspace", single, "--stages", STAGES])).code).toBe(0);
    const sharded = join(root, "ws-sharded");
    const shards = await Promise.all([0, 1, 2].map((i) => runCli(["run", "--data", data, "--workspace", sharded, "--stages", `${STAGES},report`, "--shard", `${i}/3`])));
    for (const s of shards) expect(s.code).toBe(0);
    // Cohort stages never run inside a shard process.
    expect(shards[0]!.stdout).toMatch(/\[report\] not-applicable .*cohort stage: skipped in a shard process/);
    // Each shard did only its own slides and did not build the cohort table.
    const units = [...(await readStageMarkers(new Workspace(sharded), "manifest")).keys()].filter((u) => u !== "_cohort");
    expect(units).toHaveLength(25);
    expect(new Set(units.map((u) => shardOf(u, 3))).size).toBe(3);
    await expect(readFile(join(sharded, "manifests", "slides.arrow"))).rejects.toThrow();
    const cohort = await runCli(["run", "--data", data, "--workspace", sharded, "--stages", STAGES]);
    expect(cohort.stdout).toMatch(/0 to do, 23 skipped .* 2 failed before/);
    const [a, b] = [await results(single), await results(sharded)];
    expect(b.markers).toEqual(a.markers);
    expect(Buffer.compare(b.arrow, a.arrow)).toBe(0);
    const passport = JSON.parse(await readFile(join(sharded, "passport.json"), "utf8"));
    expect(passport.stages.filter((s: { stage: string; shard: string | null }) => s.stage === "manifest").map((s: { shard: string | null }) => s.shard).sort()).toEqual(["0/3", "1/3", "2/3", null]);
  }, 120_000);
});
