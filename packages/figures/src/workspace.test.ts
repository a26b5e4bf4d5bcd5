import { execFile } from "node:child_process";
import { mkdtemp, mkdir, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pngInfo } from "../test/svg-query.js";
import { exampleWorkspaceFiles } from "./examples.js";
import { renderWorkspace } from "./workspace.js";
import { readFile } from "node:fs/promises";

const run = promisify(execFile);
let ws: string;
let out: string;

beforeAll(async () => {
  ws = await mkdtemp(path.join(tmpdir(), "osfm-figures-ws-"));
  out = path.join(ws, "figures-out");
  // A partial workspace: QC, per-class and the CAMELYON17 files; a broken transitions file; no manifest, no PANDA.
  const files = exampleWorkspaceFiles();
  for (const rel of ["qc/qc.json", "results/tcga/per_class.json", "results/cam17/per_center.json", "tiles/summary.json"]) {
    await mkdir(path.dirname(path.join(ws, rel)), { recursive: true });
    await writeFile(path.join(ws, rel), JSON.stringify(files.get(rel)));
  }
  await writeFile(path.join(ws, "results/cam17/transitions.json"), JSON.stringify({ labels: ["pN0"], counts: "oops" }));
});
afterAll(async () => {
  await rm(ws, { recursive: true, force: true });
});

describe("renderWorkspace", () => {
  it("renders figures whose files exist, skips the others with the missing path, and flags invalid files", async () => {
    const results = await renderWorkspace(ws);
    const by = (s: string) => results.filter((r) => r.status === s).map((r) => r.id);
    expect(by("rendered")).toEqual(["qc-tissue", "qc-blur", "qc-white", "qc-exclusion", "tiling-tokens-0p5", "tiling-tokens-2p0", "fig3a", "fig3b", "fig3c", "fig3d", "fig4c"]);
    expect(by("invalid")).toEqual(["fig4d"]);
    const skipped = results.filter((r) => r.status === "skipped");
    expect(skipped.map((r) => r.id)).toEqual(["manifest-size", "manifest-mpp", "manifest-codes", "fig1c", "fig4a", "fig4b", "fig4e", "fig4f", "supp1", "pretrain-loss"]);
    const supp1 = skipped.find((r) => r.id === "supp1");
    expect(supp1?.status === "skipped" && supp1.missing).toEqual(["results/tcga/patient_embeddings.json", "results/tcga/oof_confidence.json"]);
    const bad = results.find((r) => r.id === "fig4d");
    expect(bad?.status === "invalid" && bad.reason).toBe("results/cam17/transitions.json does not have the documented shape: $.counts: expected array of array of finite number ≥ 0, found \"oops\"");
  });
});

describe("osfm-figures CLI", () => {
  it("render writes SVG + 300-dpi PNG per figure and lists skipped ones with the reason", async () => {
    const cli = path.resolve(import.meta.dirname, "cli.ts");
    const res = await run(process.execPath, ["--conditions=@osfm/source", "--import", "tsx", cli, "render", "--results", ws, "--out", out, "--only", "qc-tissue,fig4c,fig4e,fig4d"], { cwd: path.resolve(import.meta.dirname, "..") }).catch((e: { stdout: string; stderr: string; code: number }) => e);
    expect(res.stdout).toContain("skipped   fig4e              missing results/tcga/paired.json");
    expect(res.stdout).toContain("2 rendered, 1 skipped, 1 invalid");
    expect(res.stderr).toContain("invalid   fig4d");
    expect((res as { code?: number }).code).toBe(1);
    expect((await readdir(out)).sort()).toEqual(["fig4c.png", "fig4c.svg", "qc-tissue.png", "qc-tissue.svg"]);
    const info = pngInfo(await readFile(path.join(out, "fig4c.png")));
    expect(info.dpi).toBe(300);
    expect(info.width).toBe(1950);
  });
});
