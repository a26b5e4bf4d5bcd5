import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../src/config/load";
import { seededRandom } from "../src/eval/rng";
import { requirePackage } from "../src/ports/modules";
import { LineReporter } from "../src/progress/reporter";
import { writeMarker } from "../src/runner/markers";
import { createContext } from "../src/runner/pipeline";
import { runStage } from "../src/runner/run-stage";
import { ratioVariants, scaleAblationStage } from "../src/stages/scale-ablation";
import { bufferSink, tempDir } from "./helpers";

type Backbone = { writeFeatureFile(file: string, data: { features: Float32Array; coords: ArrayLike<number>; n: number; dim: number }, attrs: Record<string, unknown>): Promise<void> };

describe("scale-ablation stage", () => {
  it("splits the token budget into the seven variants", () => {
    expect(ratioVariants(1600).map((v) => [v.name, v.k05, v.k20])).toEqual([
      ["0.5-only", 1600, 0], ["4:1", 1280, 320], ["3:1", 1200, 400], ["2:1", 1067, 533], ["1:1", 800, 800], ["1:2", 533, 1067], ["2.0-only", 0, 1600],
    ]);
  });

  it("finds the scale that carries the class signal, on matched folds, with p-values", async () => {
    // Feature files in @osfm/backbone's format where the class is visible only at 0.5 µm/px:
    // the single-scale 2.0 variant must lose to both scales, significantly.
    const backbone = await requirePackage<Backbone>("backbone");
    const ws = await tempDir();
    const config = await loadConfig({ workspace: ws, data: ws, seed: "7" }, {});
    config.settings.tiling.tokens05 = 24;
    config.settings.tiling.tokens20 = 8;
    config.settings.evaluation = { seeds: [42, 123], folds: 3, bootstrap: 200 };
    const dim = 16;
    const rnd = seededRandom("scale-ablation-test");
    const gauss = () => Math.sqrt(-2 * Math.log(rnd() + 1e-12)) * Math.cos(2 * Math.PI * rnd());
    const classes = ["BRCA", "LUAD", "KIRC"];
    for (let i = 0; i < 72; i++) {
      const label = classes[i % 3]!;
      const site = `S${i % 9}`;
      const id = `TCGA-${site}-${String(i).padStart(4, "0")}-01Z-00-DX1`;
      const files: string[] = [];
      for (const [scale, n, signal] of [[0.5, 24, 0.8], [2, 8, 0]] as const) {
        const f = new Float32Array(n * dim);
        for (let t = 0; t < n; t++) for (let j = 0; j < dim; j++) f[t * dim + j] = gauss() + (j === i % 3 ? signal : 0);
        const rel = `features/test-enc/${scale === 0.5 ? "scale0p5" : "scale2p0"}/${id}.h5`;
        await backbone.writeFeatureFile(join(ws, rel), { features: f, coords: new Float64Array(n * 2), n, dim }, { slideId: id, scale, level: 0, tileSize: 256, backboneId: "test-enc", weightsSha256: "0", manifestSha256: "0" });
        files.push(rel);
      }
      await writeMarker(createContext(config, new LineReporter(bufferSink())).ws, { stage: "features", unit: id, fingerprint: `fp${i}`, status: "done", outputs: files, counts: {}, row: { slide_id: id, dataset: "tcga", label, patient_id: id.slice(0, 12), group: site, encoder_id: "test-enc", files }, seconds: 0, finishedAt: "" });
    }
    const out = bufferSink();
    const ctx = createContext(config, new LineReporter(out));
    const record = await runStage(ctx, scaleAblationStage);
    expect(record.status, out.text()).toBe("done");
    const summary = JSON.parse(await readFile(join(ws, "results", "scale-ablation", "summary.json"), "utf8"));
    const acc = Object.fromEntries(summary.tables[0].rows.map((r: { variant: string; accuracy: number }) => [r.variant, r.accuracy]));
    expect(acc["3:1"]).toBeGreaterThan(0.7);
    expect(acc["0.5-only"]).toBeGreaterThan(0.7);
    expect(acc["2.0-only"]).toBeLessThan(0.55); // chance is 1/3
    const [vs05, vs20] = summary.tables[1].rows;
    expect(vs20.p_corrected_t).toBeLessThan(0.01);
    expect(vs20.p_paired_bootstrap).toBeLessThan(0.05);
    // Both scales vs 0.5-only: no real difference (p large, or undefined when every fold ties).
    expect(vs05.p_corrected_t === null || vs05.p_corrected_t > 0.01).toBe(true);
    expect(summary.tables[0].rows.every((r: { folds: number }) => r.folds === 6)).toBe(true);
    // Rerun with the same inputs: skipped.
    const again = await runStage(ctx, scaleAblationStage);
    expect(again.counts).toMatchObject({ skipped: 1, ran: 0 });
  });
});
