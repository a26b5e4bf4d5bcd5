import { copyFile, mkdir, readFile, readdir, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { currentHost, shouldRelaunchWithHugePages, withHugePages } from "@osfm/nn";
import { describe, expect, it } from "vitest";
import { parseCsv } from "../src/io/csv";
import { readArrowRows } from "../src/io/table";
import { readPassport } from "../src/workspace/passport";
import { fixtureData, fixtures, haveFixtures, runCli } from "./cli-helpers";
import { tempDir } from "./helpers";

describe.skipIf(!haveFixtures)("env + manifest on real slide fixtures (through the CLI)", () => {
  it("writes the manifest, records failures without stopping, skips done work, redoes stale work", async () => {
    const root = await tempDir();
    const data = await fixtureData(root);
    const ws = join(root, "ws");
    const first = await runCli(["run", "--data", data, "--workspace", ws, "--stages", "env,manifest,report"]);
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/\[manifest\] FAILED TCGA-B2-0003-01Z-00-DX1\.cccc: WsiError/);
    expect(first.stdout).toMatch(/report: .*report\.html\ntime: .* · peak memory: .* MiB/);
    const rows = await readArrowRows(join(ws, "manifests", "slides.arrow"));
    expect(rows.map((r) => [r.slide_id, r.dataset, r.label, r.patient_id, r.group, r.mpp_source])).toEqual([
      ["TCGA-A1-0001-01Z-00-DX1.aaaa", "tcga", "BRCA", "TCGA-A1-0001", "A1", "file"],
      ["TCGA-B2-0002-01Z-00-DX1.bbbb", "tcga", "LUAD", "TCGA-B2-0002", "B2", "file"],
      ["tumor_001", "camelyon16", "tumor", "tumor_001", null, expect.any(String)],
    ]);
    const cmu = rows[0]!;
    // OpenSlide's values for the CMU fixture (shared/fixtures/wsi/README.md): 2220 × 2967, 1 level, mpp 0.499, 20x.
    expect([cmu.width, cmu.height, cmu.level_count, cmu.mpp_x, cmu.vendor, cmu.objective_power]).toEqual([2220, 2967, 1, 0.499, "aperio", 20]);
    expect(String(cmu.fingerprint)).toMatch(/^QSHA1:[0-9a-f]{40}$/);
    const failures = parseCsv(await readFile(join(ws, "failures.csv"), "utf8")).rows;
    // slides are opened concurrently, so failures.csv lists them in the order they failed
    expect(failures.map((f) => [f.stage, f.slide_id]).sort()).toEqual([
      ["manifest", "TCGA-B2-0003-01Z-00-DX1.cccc"],
      ["manifest", "normal_002"],
    ]);
    expect(failures.find((f) => f.slide_id === "TCGA-B2-0003-01Z-00-DX1.cccc")!.error).toMatch(/WsiError: .*TCGA-B2-0003.*not a TIFF/);
    const passport = await readPassport(join(ws, "passport.json"));
    expect(passport!.environment.node).toBe(process.version);
    // `run` relaunched itself with huge-page malloc where this host allows it (it stays as it is otherwise)
    const relaunched = shouldRelaunchWithHugePages(currentHost());
    expect(passport!.environment.glibcTunables).toBe(relaunched ? withHugePages().GLIBC_TUNABLES : (process.env.GLIBC_TUNABLES ?? null));
    expect(passport!.environment.packages["@osfm/wsi"]).toMatch(/^\d+\.\d+\.\d+/);
    const manifestRecord = passport!.stages.find((s) => s.stage === "manifest")!;
    expect(manifestRecord.counts).toMatchObject({ units: 5, ran: 3, failed: 2 });
    expect(manifestRecord.outputs).toContain("manifests/slides.arrow");
    expect(manifestRecord.configHash).toMatch(/^[0-9a-f]{16}$/);
    expect(passport!.runs).toHaveLength(1);
    expect(passport!.runs[0]!.peakRssBytes).toBeGreaterThan(10 * 2 ** 20);

    const second = await runCli(["run", "--data", data, "--workspace", ws, "--stages", "env,manifest"]);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/\[manifest\] NB02 manifest and provenance: 0 to do, 3 skipped \(done, same inputs and config\), 2 failed before/);
    expect(second.stdout).toMatch(/\[manifest\] cohort table up to date \(skipped\)/);

    const later = new Date(Date.now() + 5000);
    await utimes(join(data, "Raw Data", "CAMELYON16", "tumor_001.tif"), later, later);
    const third = await runCli(["run", "--data", data, "--workspace", ws, "--stages", "manifest"]);
    expect(third.stdout).toMatch(/1 to do, 2 skipped .*1 stale \(redone\)/);

    const status = await runCli(["status", "--data", data, "--workspace", ws]);
    expect(status.stdout).toMatch(/manifest\s+NB02\s+done\s+done 3 · stale 0 · pending 0 · failed 2/);

    const changed = await runCli(["run", "--data", data, "--workspace", ws, "--stages", "manifest", "--assume-mpp", "0.25"]);
    expect(changed.stdout).toMatch(/5 to do, 5 stale \(redone\)/);
    expect(await readdir(join(ws, "hashes", "manifest"))).toHaveLength(6);
  });

  it("clean --stage removes outputs and markers; the next run redoes the stage", async () => {
    const root = await tempDir();
    const data = await fixtureData(root);
    const ws = join(root, "ws");
    await runCli(["run", "--data", data, "--workspace", ws, "--stages", "env,manifest"]);
    const clean = await runCli(["clean", "--stage", "manifest", "--workspace", ws]);
    expect(clean.code).toBe(0);
    await expect(readFile(join(ws, "manifests", "slides.arrow"))).rejects.toThrow();
    const status = await runCli(["status", "--data", data, "--workspace", ws]);
    expect(status.stdout).toMatch(/manifest\s+NB02\s+pending\s+done 0 · stale 0 · pending 5/);
    expect(status.stdout).toMatch(/qc\s+NB03\s+/);
  });

  it("a data folder with one dataset: the other datasets' stages are not applicable, and the run succeeds", async () => {
    const root = await tempDir();
    const data = join(root, "data");
    await mkdir(join(data, "Raw Data", "CAMELYON16"), { recursive: true });
    await copyFile(join(fixtures, "aperio_CMU-1-Small-Region.svs"), join(data, "Raw Data", "CAMELYON16", "tumor_001.tif"));
    const ws = join(root, "ws");
    const r = await runCli(["run", "--data", data, "--workspace", ws, "--stages", "env,manifest,tcga,scale-ablation,cam17,panda-mil,panda-metrics"]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/\[manifest\] tcga: no folder at .*Raw Data\/TCGA; its stages will have no inputs/);
    expect(r.stdout).toMatch(/\[tcga\] not-applicable .*: no TCGA slides in this data folder/);
    expect(r.stdout).toMatch(/\[cam17\] not-applicable .*: no CAMELYON17 slides in this data folder/);
    expect(r.stdout).toMatch(/\[panda-metrics\] not-applicable .*: no PANDA slides in this data folder/);
  });

  it("stops with a clear message and non-zero code on bad input", async () => {
    const root = await tempDir();
    const missing = await runCli(["run", "--data", join(root, "nope"), "--workspace", join(root, "ws"), "--stages", "manifest"]);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toMatch(/\[manifest\] failed .*data folder .*nope does not exist/);
    const badStage = await runCli(["run", "--data", root, "--workspace", join(root, "ws"), "--stages", "manifest,qcc"]);
    expect(badStage.code).toBe(1);
    expect(badStage.stderr).toMatch(/unknown stage "qcc"; stages are: env, manifest, qc/);
    const badShard = await runCli(["run", "--data", root, "--shard", "3/3"]);
    expect(badShard.stderr).toMatch(/--shard 3\/3: need 0 ≤ i < n/);
    const data = await fixtureData(root);
    const noInputs = await runCli(["run", "--data", data, "--workspace", join(root, "ws2"), "--stages", "tiles,report"]);
    expect(noInputs.code).toBe(2);
    expect(noInputs.stdout).toMatch(/\[tiles\] inputs-missing .*all inputs are missing: .*no manifest yet: run the manifest stage/);
    expect(noInputs.stdout).toMatch(/report: /);
    const badCsv = join(root, "bad");
    await mkdir(join(badCsv, "Validation Data", "PANDA"), { recursive: true });
    await writeFile(join(badCsv, "Validation Data", "PANDA", "train.csv"), "image,provider\nx,y\n");
    const csv = await runCli(["run", "--data", badCsv, "--workspace", join(root, "ws3"), "--stages", "manifest"]);
    expect(csv.code).toBe(1);
    expect(csv.stdout).toMatch(/\[manifest\] failed .*train\.csv: expected columns image_id, data_provider, isup_grade, gleason_score; found image, provider/);
  });
});
