import { existsSync } from "node:fs";
import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readArrowRows } from "../src/io/table";
import { STAGE_NAMES } from "../src/types";
import { readPassport } from "../src/workspace/passport";
import { runCli } from "./cli-helpers";
import { tempDir } from "./helpers";

// The whole pipeline on @osfm/synth's `tiny` cohort. It synthesizes ~23 slides, extracts ConvNeXt-Tiny
// features and pretrains: 1–2.3 minutes on this 2-core machine (62 s idle, 137 s under load). It is part of
// the default suite (CI runs it); OSFM_E2E=0 skips it for quick local runs.
const E2E = process.env.OSFM_E2E !== "0";

describe.skipIf(!E2E)("end to end on the tiny synthetic cohort", () => {
  it("runs every stage and leaves well-formed outputs", async () => {
    const ws = join(await tempDir(), "ws");
    const run = await runCli(["run", "--demo", "--preset", "tiny", "--workspace", ws, "--quiet"]);
    const passport = await readPassport(join(ws, "passport.json"));
    const status = Object.fromEntries(passport!.stages.map((s) => [s.stage, `${s.status}${s.message ? `: ${s.message}` : ""}`]));
    expect(run.code, `${run.stdout}\n${run.stderr}\n${JSON.stringify(status, null, 1)}`).toBe(0);
    for (const s of STAGE_NAMES) expect(status[s], s).toMatch(/^(done|not-applicable)/);
    expect(run.stdout).toMatch(/report: .*report\.html\ntime: .* · peak memory: /);
    const slides = await readArrowRows(join(ws, "manifests", "slides.arrow"));
    expect(new Set(slides.map((r) => r.dataset))).toEqual(new Set(["tcga", "camelyon16", "camelyon17", "panda"]));
    for (const r of slides) expect(Number(r.mpp)).toBeGreaterThan(0);
    const qc = JSON.parse(await readFile(join(ws, "qc", "qc.json"), "utf8"));
    for (const s of qc.slides) for (const k of ["tissue_pct", "white_pct", "pen_pct"]) expect(s[k]).toBeGreaterThanOrEqual(0);
    expect((await readdir(join(ws, "tiles"))).filter((f) => f.endsWith(".arrow")).length).toBeGreaterThan(0);
    // the tiny preset gives CAMELYON17 nodes their own budget (12 + 4) and everything else 24 + 8
    const datasetOf = new Map(slides.map((r) => [String(r.slide_id), String(r.dataset)]));
    const tiled = JSON.parse(await readFile(join(ws, "tiles", "summary.json"), "utf8")).slides as { slide_id: string; n_tiles_0p5: number; n_tiles_2p0: number }[];
    const cam17 = tiled.filter((t) => datasetOf.get(t.slide_id) === "camelyon17");
    expect(cam17.length).toBeGreaterThan(0);
    for (const t of cam17) expect([t.n_tiles_0p5, t.n_tiles_2p0]).toEqual([12, 4]);
    expect(Math.max(...tiled.filter((t) => datasetOf.get(t.slide_id) === "tcga").map((t) => t.n_tiles_0p5))).toBe(24);
    expect(existsSync(join(ws, "results", "pretrain", "loss.json"))).toBe(true);
    // the presets pretrain on standardised tokens: the statistics travel with the final weights
    expect(existsSync(join(ws, "weights", "final", "token_scaler.safetensors"))).toBe(true);
    expect(JSON.parse(await readFile(join(ws, "diagnostics", "gates.json"), "utf8")).gates).toHaveLength(4);
    for (const task of ["tcga", "cam16", "cam17", "panda-mil", "panda-metrics", "scale-ablation"]) {
      const p = join(ws, "results", task, "summary.json");
      if (!existsSync(p)) continue;
      for (const m of JSON.parse(await readFile(p, "utf8")).metrics) if (m.value !== null) expect(Number.isFinite(m.value), `${task} ${m.name}`).toBe(true);
    }
    expect((await readdir(join(ws, "figures"))).filter((f) => f.endsWith(".png")).length).toBeGreaterThan(5);
    expect((await readFile(join(ws, "report.html"), "utf8")).length).toBeGreaterThan(10_000);
  }, 600_000);
});
