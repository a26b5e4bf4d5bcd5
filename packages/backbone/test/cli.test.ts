// osfm-features end to end: a cohort of real-slide symlinks, @osfm/tiling Arrow manifests, the reduced
// ConvNeXt exported to ONNX (so the run is quick), and the CLI run as a child process.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildConvNeXtOnnx } from "../src/convnext/architecture";
import { makeCohort } from "./cohort";
import { haveFixtures, packageRoot, referenceDir, tempDir } from "./helpers";

const tmp = tempDir();
const ids = ["TCGA-01", "TCGA-02", "TCGA-03"];
let cohort: { slides: string; manifests: string };
const model = path.join(tmp.dir, "reduced.onnx");
const cliArgs = ["--conditions=@osfm/source", "--import", "tsx", path.join(packageRoot, "src/cli.ts")];

beforeAll(async () => {
  cohort = await makeCohort(tmp.dir, ids, { 0.5: 32, 2: 4 });
  const weights = { bytes: new Uint8Array(readFileSync(path.join(referenceDir, "reduced_convnext.safetensors"))), source: "reduced" };
  writeFileSync(model, buildConvNeXtOnnx({ depths: [1, 1, 2, 1], dims: [8, 16, 24, 32] }, { weights, seed: 0, dtype: "float32", finalNorm: false }).model);
}, 120_000);
afterAll(() => tmp.cleanup());

const args = (out: string, extra: string[] = [], inputs = { manifests: cohort.manifests, slides: cohort.slides }) => [
  ...cliArgs, "--manifest", inputs.manifests, "--slides", inputs.slides, "--out", out, "--weights", model,
  "--threads", "1", "--batch-size", "8", "--self-test-seconds", "0", "--quiet", ...extra,
];

function run(out: string, extra: string[] = [], inputs = { manifests: cohort.manifests, slides: cohort.slides }) {
  return spawnSync(process.execPath, args(out, extra, inputs), { cwd: packageRoot, encoding: "utf8" });
}

function files(root: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, name.name);
      if (name.isDirectory()) walk(p);
      else out.set(path.relative(root, p), readFileSync(p));
    }
  };
  walk(root);
  return out;
}

describe.skipIf(!haveFixtures)("osfm-features", () => {
  it("killed at a random point and rerun, gives files byte-identical to an uninterrupted run", async () => {
    // The uninterrupted run also passes through the self-test gate (1 s, reachable threshold).
    const clean = path.join(tmp.dir, "clean");
    const first = run(clean, ["--self-test-seconds", "1", "--self-test-threshold", "0.5"]);
    expect(first.status, first.stderr).toBe(0);
    const report = JSON.parse(first.stdout) as { results: { skipped: boolean }[]; failures: unknown[]; selfTest: { pass: boolean; tiles_per_s: number } };
    expect(report.selfTest.pass).toBe(true);
    expect(report.selfTest.tiles_per_s).toBeGreaterThan(0.5);
    expect(report.results).toHaveLength(6);
    expect(report.failures).toEqual([]);

    const killed = path.join(tmp.dir, "killed");
    const child = spawn(process.execPath, args(killed), { cwd: packageRoot, stdio: "ignore" });
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    // Wait for the first finished file, then kill after a random delay: mid-slide, mid-write or between slides.
    const t0 = Date.now();
    const done = () => (existsSync(killed) ? [...files(killed).keys()].filter((f) => f.endsWith(".h5")).length : 0);
    while (done() === 0 && Date.now() - t0 < 60_000) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, Math.random() * 400));
    child.kill("SIGKILL");
    await exited;
    const before = done();
    expect(before).toBeGreaterThan(0);

    const resumed = run(killed);
    expect(resumed.status, resumed.stderr).toBe(0);
    const again = JSON.parse(resumed.stdout) as { results: { skipped: boolean }[] };
    expect(again.results.filter((r) => r.skipped).length).toBeGreaterThanOrEqual(before);

    const a = files(clean);
    const b = files(killed);
    for (const name of [...a.keys()]) if (name.endsWith("selftest.json")) a.delete(name);
    expect([...b.keys()].sort()).toEqual([...a.keys()].sort()); // no temporary files left over
    for (const [name, bytes] of a) expect(Buffer.compare(bytes, b.get(name)!), name).toBe(0);
  }, 180_000);

  it("goes on past a slide with no file, records it, and exits 1", () => {
    const out = path.join(tmp.dir, "missing");
    const r = run(out, [], { manifests: cohort.manifests, slides: path.join(cohort.slides, "TCGA-01.svs") });
    expect(r.status).toBe(1);
    const report = JSON.parse(r.stdout) as { results: { slideId: string }[]; failures: { slideId: string; code: string }[] };
    expect(new Set(report.results.map((x) => x.slideId))).toEqual(new Set(["TCGA-01"]));
    expect(report.failures.map((f) => [f.slideId, f.code])).toEqual([["TCGA-02", "SLIDE_MISSING"], ["TCGA-03", "SLIDE_MISSING"]]);
  }, 120_000);

  it("stops at the self-test gate below the threshold (exit 3) and writes the report", () => {
    const out = path.join(tmp.dir, "gate");
    const r = run(out, ["--self-test-seconds", "1", "--self-test-threshold", "1000000"]);
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/SELF_TEST_FAILED: self-test: [\d.]+ tiles\/s is below the threshold of 1000000 tiles\/s/);
    const [id] = readdirSync(out);
    const report = JSON.parse(readFileSync(path.join(out, id!, "selftest.json"), "utf8")) as { tiles: number; pass: boolean; target: number };
    expect(report.pass).toBe(false);
    expect(report.target).toBe(1_000_000);
    expect(report.tiles).toBeGreaterThan(0);
    expect(readdirSync(path.join(out, id!))).toEqual(["selftest.json"]); // no features extracted
  }, 120_000);

});
