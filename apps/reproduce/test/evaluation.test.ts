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
import { cam16Stage } from "../src/stages/cam16";
import { cam17Stage } from "../src/stages/cam17";
import { embeddingsStage } from "../src/stages/embeddings";
import { tcgaStage } from "../src/stages/tcga";
import { pandaMetricsStage } from "../src/stages/panda-metrics";
import { pandaMilStage } from "../src/stages/panda-mil";
import { bufferSink, tempDir } from "./helpers";

type Backbone = { writeFeatureFile(file: string, data: { features: Float32Array; coords: ArrayLike<number>; n: number; dim: number }, attrs: Record<string, unknown>): Promise<void> };
type Mil = { MILTransformer: { create(o: { seed: number; config: Record<string, number> }): { save(path: string): Promise<void> } } };
type Figures = { validateFigureInput(id: string, input: unknown): unknown[] };

const DIM = 32;

describe("evaluation chain: embeddings → tcga, cam16, cam17", () => {
  it("embeds every slide with the pretrained aggregator and evaluates each task with CIs and figure inputs", async () => {
    const backbone = await requirePackage<Backbone>("backbone");
    const mil = await requirePackage<Mil>("mil");
    const figures = await requirePackage<Figures>("figures");
    const ws = await tempDir();
    const config = await loadConfig({ workspace: ws, data: ws }, {});
    config.settings.evaluation = { seeds: [42, 123], folds: 3, bootstrap: 200 };
    const out = bufferSink();
    const ctx = createContext(config, new LineReporter(out));
    const rnd = seededRandom("evaluation-test");
    const gauss = () => Math.sqrt(-2 * Math.log(rnd() + 1e-12)) * Math.cos(2 * Math.PI * rnd());
    // A small aggregator checkpoint standing in for the pretrain stage's output.
    await mil.MILTransformer.create({ seed: 3, config: { dim: DIM, depth: 1, heads: 2, ffnDim: 64, posHidden: 16 } }).save(join(ws, "weights", "aggregator.safetensors"));
    await writeMarker(ctx.ws, { stage: "pretrain", unit: "cohort", fingerprint: "pretrain-fp", status: "done", outputs: ["weights/aggregator.safetensors"], counts: {}, row: { aggregator: "weights/aggregator.safetensors" }, seconds: 0, finishedAt: "" });
    const slides: { id: string; dataset: string; label: string; patient: string; group: string; cls: number; extra: Record<string, unknown> }[] = [];
    for (let i = 0; i < 36; i++) slides.push({ id: `TCGA-S${i % 6}-${String(i).padStart(4, "0")}-01Z-00-DX1`, dataset: "tcga", label: ["BRCA", "LUAD", "KIRC"][i % 3]!, patient: `TCGA-S${i % 6}-${String(i).padStart(4, "0")}`, group: `S${i % 6}`, cls: i % 3, extra: {} });
    for (let i = 0; i < 24; i++) slides.push({ id: `${i % 2 ? "tumor" : "normal"}_${String(i).padStart(3, "0")}`, dataset: "camelyon16", label: i % 2 ? "tumor" : "normal", patient: `c16-${i}`, group: "", cls: i % 2, extra: {} });
    for (let p = 0; p < 16; p++)
      for (let n = 0; n < 2; n++) {
        const pn = p % 3;
        slides.push({ id: `patient_${String(p).padStart(3, "0")}_node_${n}`, dataset: "camelyon17", label: `pN${pn}`, patient: `patient_${String(p).padStart(3, "0")}`, group: `center_${p % 4}`, cls: pn, extra: { pn } });
      }
    for (let i = 0; i < 30; i++) slides.push({ id: `panda_${String(i).padStart(3, "0")}`, dataset: "panda", label: String(i % 6), patient: `panda_${i}`, group: i % 2 ? "karolinska" : "radboud", cls: i % 6, extra: { isup_grade: i % 6 } });
    for (const s of slides) {
      const files: string[] = [];
      for (const [scale, n] of [[0.5, 12], [2, 4]] as const) {
        const f = new Float32Array(n * DIM);
        for (let t = 0; t < n; t++) for (let j = 0; j < DIM; j++) f[t * DIM + j] = gauss() + (s.dataset === "panda" ? (j < 6 ? 1.5 * s.cls * (j === 0 ? 1 : 0) : 0) : j < 3 && j === s.cls ? 3 : 0);
        const coords = Float64Array.from({ length: n * 2 }, (_, k) => 512 * (k + 1));
        const rel = `features/enc/${scale === 0.5 ? "scale0p5" : "scale2p0"}/${s.id}.h5`;
        await backbone.writeFeatureFile(join(ws, rel), { features: f, coords, n, dim: DIM }, { slideId: s.id, scale, level: 0, tileSize: 256, backboneId: "enc", weightsSha256: "0", manifestSha256: "0" });
        files.push(rel);
      }
      const row = { slide_id: s.id, dataset: s.dataset, label: s.label, patient_id: s.patient, group: s.group || null, mpp: 0.5, ...s.extra };
      await writeMarker(ctx.ws, { stage: "manifest", unit: s.id, fingerprint: `m-${s.id}`, status: "done", outputs: [], counts: {}, row, seconds: 0, finishedAt: "" });
      await writeMarker(ctx.ws, { stage: s.dataset === "panda" ? "panda-features" : "features", unit: s.id, fingerprint: `f-${s.id}`, status: "done", outputs: files, counts: {}, row: { ...row, encoder_id: "enc", files }, seconds: 0, finishedAt: "" });
    }
    const emb = await runStage(ctx, embeddingsStage);
    expect(emb.status, out.text()).toBe("done");
    expect(emb.outputs).toEqual(["embeddings/camelyon16.arrow", "embeddings/camelyon17.arrow", "embeddings/panda.arrow", "embeddings/tcga.arrow"]);

    config.settings.panda.epochs = 4;
    for (const stage of [tcgaStage, cam16Stage, cam17Stage, pandaMilStage, pandaMetricsStage]) {
      const r = await runStage(ctx, stage);
      expect(r.status, `${stage.name}: ${r.message ?? ""}\n${out.text()}`).toBe("done");
      const summary = JSON.parse(await readFile(join(ws, "results", stage.name, "summary.json"), "utf8"));
      for (const m of summary.metrics) {
        if (m.value === null) continue;
        expect(Number.isFinite(m.value)).toBe(true);
        if (m.ci95) expect(m.ci95[0]).toBeLessThanOrEqual(m.ci95[1]);
      }
    }
    const read = async (p: string) => JSON.parse(await readFile(join(ws, "results", p), "utf8"));
    // Figure inputs exactly as @osfm/figures documents them.
    for (const [id, input] of [
      ["fig3a", await read("tcga/per_class.json")],
      ["fig4e", await read("tcga/paired.json")],
      ["fig4a", await read("cam16/oof.json")],
      ["fig4c", await read("cam17/per_center.json")],
      ["fig4d", await read("cam17/transitions.json")],
      ["fig4b", await read("panda/per_grade.json")],
      ["fig4f", await read("panda/by_provider.json")],
      ["supp1", { embeddings: await read("tcga/patient_embeddings.json"), confidence: await read("tcga/oof_confidence.json") }],
    ] as const)
      expect(figures.validateFigureInput(id, input), id).toEqual([]);
    // The class signal survives a random aggregator: well above chance on the easy synthetic tasks.
    const tcga = await read("tcga/summary.json");
    expect(tcga.metrics[0].value).toBeGreaterThan(0.6);
    const cam16 = await read("cam16/summary.json");
    expect(cam16.metrics[0].value).toBeGreaterThan(0.75);
    expect((await read("cam17/per_center.json")).centers).toHaveLength(4);
    const panda = await read("panda-mil/summary.json");
    expect(panda.metrics[0].name).toBe("quadratic-weighted κ");
    expect((await read("panda/by_provider.json")).providers.map((p: { provider: string }) => p.provider)).toEqual(["karolinska", "radboud"]);
  });
});
