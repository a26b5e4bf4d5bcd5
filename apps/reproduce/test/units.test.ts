import { execFileSync } from "node:child_process";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { existsSync } from "node:fs";
import { loadConfig } from "../src/config/load";
import { DEMO_MARKER, ensureDemoData } from "../src/demo";
import { LineReporter } from "../src/progress/reporter";
import { largestTokenBudget, tokenBudget } from "../src/config/token-budget";
import { ReproduceError } from "../src/errors";
import { removeStaleTemps, writeFileAtomic } from "../src/io/atomic";
import { formatCsv, parseCsv } from "../src/io/csv";
import { withLock } from "../src/io/lock";
import { readArrowRows, writeArrowRows } from "../src/io/table";
import { selectStages } from "../src/runner/select";
import { shardOf } from "../src/runner/shard";
import { sbatchScript, stagePhases } from "../src/slurm/script";
import { createStageRegistry } from "../src/stages/registry";
import { PRETRAIN_RUN_FILE, prepareWeightsDir } from "../src/stages/pretrain-run-key";
import { decideMpp, mppFromTiffResolution } from "../src/stages/manifest-schema";
import { STAGE_NAMES } from "../src/types";
import { bufferSink, tempDir, writeTree } from "./helpers";

describe("csv", () => {
  it("round-trips quotes, commas, newlines and a BOM", () => {
    const rows = [{ a: 'say "hi"', b: "x,y", c: "line1\nline2" }, { a: "", b: null, c: 3 }];
    const text = formatCsv(["a", "b", "c"], rows);
    expect(parseCsv(`\ufeff${text.replace(/\n$/, "\r\n")}`)).toEqual({ header: ["a", "b", "c"], rows: [{ a: 'say "hi"', b: "x,y", c: "line1\nline2" }, { a: "", b: "", c: "3" }] });
  });
});

describe("atomic writes", () => {
  it("leave either the old or the whole new file, and clean only dead processes' temp files", async () => {
    const dir = await tempDir();
    const path = join(dir, "a", "file.json");
    await writeFileAtomic(path, "old");
    await writeFileAtomic(path, "new");
    expect(await readFile(path, "utf8")).toBe("new");
    expect(await readdir(join(dir, "a"))).toEqual(["file.json"]);
    // a temp file from a dead process (pid 999999 does not exist) and one from this live process
    await writeTree(dir, { "a/.file.json.osfm-tmp-999999-abcd": "half", [`a/.x.osfm-tmp-${process.pid}-ef01`]: "mine" });
    expect(await removeStaleTemps(dir)).toBe(1);
    expect((await readdir(join(dir, "a"))).sort()).toEqual([`.x.osfm-tmp-${process.pid}-ef01`, "file.json"]);
  });
  it("a lock serialises read-modify-write from concurrent writers", async () => {
    const dir = await tempDir();
    const path = join(dir, "counter.json");
    await writeFile(path, "0");
    await Promise.all(
      Array.from({ length: 20 }, () =>
        withLock(path, async () => {
          const n = Number(await readFile(path, "utf8"));
          await new Promise((r) => setTimeout(r, 1));
          await writeFileAtomic(path, String(n + 1));
        }),
      ),
    );
    expect(await readFile(path, "utf8")).toBe("20");
  });
});

describe("arrow tables", () => {
  it("keep nulls and types; pyarrow-readable IPC file", async () => {
    const path = join(await tempDir(), "t.arrow");
    await writeArrowRows(path, [["id", "string"], ["n", "int"], ["x", "float"], ["ok", "bool"]], [{ id: "a", n: 2, x: 0.5, ok: true }, { id: "b", n: null, x: Number.NaN }]);
    expect(await readArrowRows(path)).toEqual([{ id: "a", n: 2, x: 0.5, ok: true }, { id: "b", n: null, x: null, ok: null }]);
    expect((await readFile(path)).subarray(0, 6).toString()).toBe("ARROW1");
  });
});

describe("demo data", () => {
  it("rebuilds a demo cohort built from an older definition of the preset, and refuses another preset's", async () => {
    const root = await tempDir();
    const data = join(root, "demo-data");
    await writeTree(data, { [DEMO_MARKER]: JSON.stringify({ preset: "tiny", builtAt: "2026-01-01" }), "Raw Data/TCGA/old-slide.svs": "x" });
    const config = await loadConfig({ workspace: root, preset: "tiny" }, {}, root);
    const out = bufferSink();
    await ensureDemoData({ ...config, data }, new LineReporter(out));
    expect(out.text()).toMatch(/built from an older definition of the preset: removing it/);
    expect(existsSync(join(data, "Raw Data/TCGA/old-slide.svs"))).toBe(false);
    const marker = JSON.parse(await readFile(join(data, DEMO_MARKER), "utf8"));
    expect(marker.definition).toMatch(/^[0-9a-f]{16}$/);
    const again = bufferSink();
    await ensureDemoData({ ...config, data }, new LineReporter(again));
    expect(again.text()).toMatch(/demo: using the tiny cohort/);
    await expect(ensureDemoData({ ...config, data, demoPreset: "demo" }, new LineReporter(bufferSink()))).rejects.toThrow(/holds the tiny demo cohort, not demo/);
  }, 300_000);
});

describe("pretraining checkpoints", () => {
  it("are resumed only for the same inputs and settings; a changed run starts afresh", async () => {
    const dir = join(await tempDir(), "weights");
    await writeTree(dir, { "latest.json": "{}", "p1-e01-s000010/state.json": "{}" });
    expect(await prepareWeightsDir(dir, "a")).toEqual({ resume: false, removed: 2 });
    expect((await readdir(dir)).sort()).toEqual([PRETRAIN_RUN_FILE]);
    await writeTree(dir, { "latest.json": "{}", "p1-e01-s000004/state.json": "{}" });
    expect(await prepareWeightsDir(dir, "a")).toEqual({ resume: true, removed: 0 });
    expect((await readdir(dir)).length).toBe(3);
    expect(await prepareWeightsDir(dir, "b")).toEqual({ resume: false, removed: 2 });
    expect(JSON.parse(await readFile(join(dir, PRETRAIN_RUN_FILE), "utf8")).key).toBe("b");
  });
});

describe("config", () => {
  it("defaults to --demo without data; flags beat environment beat file", async () => {
    const dir = await tempDir();
    const demo = await loadConfig({}, {}, dir);
    expect([demo.demo, demo.workspace, demo.data, demo.settings.tiling.tokens05]).toEqual([true, join(dir, "workspace"), join(dir, "workspace", "demo-data"), 44]);
    await writeFile(join(dir, "c.json"), JSON.stringify({ workspace: "from-file", seed: 7, settings: { tiling: { tokens05: 99 } } }));
    const c = await loadConfig({ config: "c.json", data: "d" }, { WORKSPACE: "from-env", PANDA_ROOT: "/panda" }, dir);
    expect([c.demo, c.workspace, c.seed, c.pandaRoot, c.settings.tiling.tokens05, c.settings.tiling.tokens20]).toEqual([false, join(dir, "from-env"), 7, "/panda", 99, 400]);
    const f = await loadConfig({ config: "c.json", data: "d", workspace: "flag" }, { WORKSPACE: "from-env" }, dir);
    expect(f.workspace).toBe(join(dir, "flag"));
  });
  it("gives datasets their own token budget where tiling.perDataset names them", async () => {
    const dir = await tempDir();
    await writeFile(join(dir, "c.json"), JSON.stringify({ settings: { tiling: { tokens05: 50, tokens20: 10, perDataset: { camelyon17: { tokens05: 20, tokens20: 30 } } } } }));
    const c = await loadConfig({ config: "c.json", data: "d" }, {}, dir);
    expect(tokenBudget(c.settings.tiling, "camelyon17")).toEqual({ tokens05: 20, tokens20: 30 });
    expect(tokenBudget(c.settings.tiling, "tcga")).toEqual({ tokens05: 50, tokens20: 10 });
    expect(largestTokenBudget(c.settings.tiling)).toEqual({ tokens05: 50, tokens20: 30 });
    await writeFile(join(dir, "bad.json"), JSON.stringify({ settings: { tiling: { perDataset: { camelyon18: { tokens05: 5, tokens20: 5 } } } } }));
    await expect(loadConfig({ config: "bad.json", data: "d" }, {}, dir)).rejects.toThrow(/perDataset[\s\S]*camelyon18|camelyon18[\s\S]*perDataset/);
  });
  it("names every invalid field of a config file", async () => {
    const dir = await tempDir();
    await writeFile(join(dir, "bad.json"), JSON.stringify({ seed: -1, colour: "red", settings: { tiling: { tokens05: 0 } } }));
    await expect(loadConfig({ config: "bad.json" }, {}, dir)).rejects.toThrow(/bad\.json[\s\S]*seed[\s\S]*colour/);
    await writeFile(join(dir, "bad2.json"), JSON.stringify({ settings: { tiling: { tokens05: 0 } } }));
    await expect(loadConfig({ config: "bad2.json", data: "x" }, {}, dir)).rejects.toThrow(/settings\.tiling\.tokens05/);
    await writeFile(join(dir, "bad3.json"), "{ not json");
    await expect(loadConfig({ config: "bad3.json" }, {}, dir)).rejects.toThrow(/bad3\.json is not valid JSON/);
  });
});

describe("stage selection and shards", () => {
  it("keeps pipeline order, supports --from, rejects unknown names", () => {
    expect(selectStages(["report", "manifest", "env"], undefined)).toEqual(["env", "manifest", "report"]);
    expect(selectStages(undefined, "panda-mil")).toEqual(["panda-mil", "panda-metrics", "figures", "report"]);
    expect(() => selectStages(["nope"], undefined)).toThrow(ReproduceError);
  });
  it("assigns every slide to exactly one shard, roughly evenly, independent of order", () => {
    const ids = Array.from({ length: 3000 }, (_, i) => `TCGA-XX-${String(i).padStart(4, "0")}`);
    const counts = [0, 0, 0];
    for (const id of ids) counts[shardOf(id, 3)]!++;
    for (const c of counts) expect(Math.abs(c - 1000)).toBeLessThan(120);
    expect(shardOf("tumor_001", 7)).toBe(shardOf("tumor_001", 7));
  });
});

describe("mpp decision (SPEC Part A)", () => {
  it("file, then declared fallback, then --assume-mpp, then objective power, else missing", () => {
    expect(decideMpp(0.25, { mpp: 0.5, source: "provider:radboud" }, 1, 40)).toEqual({ mpp: 0.25, source: "file" });
    expect(decideMpp(undefined, { mpp: 0.486, source: "provider:radboud" }, undefined, undefined)).toEqual({ mpp: 0.486, source: "provider:radboud" });
    expect(decideMpp(undefined, undefined, 0.3, 40)).toEqual({ mpp: 0.3, source: "assume-mpp" });
    expect(decideMpp(undefined, undefined, undefined, 40)).toEqual({ mpp: 0.25, source: "objective-power:40x" });
    expect(decideMpp(undefined, undefined, undefined, undefined)).toEqual({ mpp: null, source: "missing" });
    expect(decideMpp(undefined, { mpp: 0.486, source: "provider:radboud" }, undefined, undefined, 0.45)).toEqual({ mpp: 0.45, source: "tiff-resolution" });
    expect(mppFromTiffResolution({ "tiff.XResolution": "20000", "tiff.ResolutionUnit": "centimeter" })).toBeCloseTo(0.5, 12);
    expect(mppFromTiffResolution({ "tiff.XResolution": "101600", "tiff.ResolutionUnit": "inch" })).toBeCloseTo(0.25, 12);
    expect(mppFromTiffResolution({ "tiff.XResolution": "72", "tiff.ResolutionUnit": "none" })).toBeUndefined();
  });
});

describe("slurm script", () => {
  const registry = createStageRegistry();
  it("is valid bash, names every shard, and chains array and cohort jobs with afterok", async () => {
    const script = sbatchScript({ stages: [...STAGE_NAMES], tasks: 3, command: ["/usr/bin/node", "/opt/osfm dir/cli.js"], runFlags: ["--workspace", "/w s", "--data", "/d"], logDir: "/w s/logs/slurm" }, registry);
    const path = join(await tempDir(), "submit.sh");
    await writeFile(path, script);
    execFileSync("bash", ["-n", path]);
    for (const shard of ["0/3", "1/3", "2/3"]) expect(script).toContain(`SHARD=${shard} ;;`);
    expect(script).not.toContain("SHARD=3/3");
    const phases = stagePhases(STAGE_NAMES, registry);
    expect(phases.map((p) => p.kind)).toEqual(["cohort", "slide", "cohort", "slide", "cohort", "slide", "cohort"]);
    expect(script.match(/--array=0-2/g)).toHaveLength(3);
    expect(script.match(/dep=\(--dependency=afterok:\$job\d\)/g)).toHaveLength(phases.length);
    expect(script).toContain("--stages manifest,qc,tiles,features --shard \"$SHARD\"");
    expect(script).toContain("--stages manifest,qc,tiles,features,pretrain,diagnostics --workspace");
    expect(script).toContain("'/opt/osfm dir/cli.js' run");
  });
  it("submits for real through a fake sbatch on PATH and wires the dependencies", async () => {
    const dir = await tempDir();
    await writeFile(join(dir, "sbatch"), `#!/usr/bin/env bash\nn=$(( $(cat ${dir}/n 2>/dev/null || echo 0) + 1 )); echo $n > ${dir}/n\necho "$@" >> ${dir}/calls\ncat > ${dir}/job$n.sh\necho $((100 + n))\n`, { mode: 0o755 });
    const script = sbatchScript({ stages: ["env", "manifest", "qc", "report"], tasks: 2, command: ["node", "cli.js"], runFlags: ["--workspace", join(dir, "ws")], logDir: join(dir, "logs") }, registry);
    await writeFile(join(dir, "submit.sh"), script);
    const out = execFileSync("bash", [join(dir, "submit.sh")], { env: { ...process.env, PATH: `${dir}:${process.env.PATH}` } }).toString();
    expect(out).toMatch(/submitted osfm-1-cohort \(env\) as job 101[\s\S]*osfm-2-shards \(manifest, qc\) as job 102[\s\S]*osfm-3-cohort \(report\) as job 103/);
    const calls = (await readFile(join(dir, "calls"), "utf8")).trim().split("\n");
    expect(calls[1]).toMatch(/--dependency=afterok:101 .*--array=0-1/);
    expect(calls[2]).toMatch(/--dependency=afterok:102/);
    const arrayJob = await readFile(join(dir, "job2.sh"), "utf8");
    execFileSync("bash", ["-n", join(dir, "job2.sh")]);
    expect(arrayJob).toMatch(/0\) SHARD=0\/2 ;;\n {2}1\) SHARD=1\/2 ;;/);
    expect(await readFile(join(dir, "job3.sh"), "utf8")).toContain("run --stages manifest,qc,report --workspace");
  });
});
