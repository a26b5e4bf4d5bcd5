import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../src/config/load";
import { seededRandom } from "../src/eval/rng";
import { requirePackage } from "../src/ports/modules";
import { LineReporter } from "../src/progress/reporter";
import { readStageMarkers, writeMarker } from "../src/runner/markers";
import { createContext } from "../src/runner/pipeline";
import { runStage } from "../src/runner/run-stage";
import { embeddingsStage } from "../src/stages/embeddings";
import { diagnosticsStage, pretrainStage } from "../src/stages/pretrain";
import type { ByolPort } from "../src/ports/byol";
import type { BackbonePort, MilPort } from "../src/ports/pipeline";
import { bufferSink, tempDir } from "./helpers";

type Backbone = { writeFeatureFile(file: string, data: { features: Float32Array; coords: ArrayLike<number>; n: number; dim: number }, attrs: Record<string, unknown>): Promise<void> };
type Figures = { validateFigureInput(id: string, input: unknown): unknown[] };

describe("pretrain → diagnostics → embeddings (real @osfm/byol-mfr and @osfm/mil)", () => {
  it("pretrains on cached features, writes the loss figure input and the gates, and embeds with the result", async () => {
    const backbone = await requirePackage<Backbone & BackbonePort>("backbone");
    const mil = await requirePackage<MilPort>("mil");
    const byol = await requirePackage<ByolPort>("byol-mfr");
    const ws = await tempDir();
    const config = await loadConfig({ workspace: ws, data: ws, seed: "5" }, {});
    Object.assign(config.settings.pretrain, { epochsPhase1: 1, epochsPhase2: 0, batchSlides: 2, warmupSteps: 1, layers: 1 });
    Object.assign(config.settings.tiling, { tokens05: 8, tokens20: 4 });
    const out = bufferSink();
    const ctx = createContext(config, new LineReporter(out));
    const rnd = seededRandom("pretrain-test");
    const dim = 768;
    for (let i = 0; i < 6; i++) {
      const id = `TCGA-P${i % 3}-${String(i).padStart(4, "0")}-01Z-00-DX1`;
      const files: string[] = [];
      for (const [scale, n] of [[0.5, 8], [2, 4]] as const) {
        const f = Float32Array.from({ length: n * dim }, () => rnd() - 0.5 + (i % 2) * 0.3);
        const rel = `features/enc/${scale === 0.5 ? "scale0p5" : "scale2p0"}/${id}.h5`;
        await backbone.writeFeatureFile(join(ws, rel), { features: f, coords: Float64Array.from({ length: n * 2 }, (_, k) => 300 * k), n, dim }, { slideId: id, scale, level: 0, tileSize: 256, backboneId: "enc", weightsSha256: "0", manifestSha256: "0" });
        files.push(rel);
      }
      const row = { slide_id: id, dataset: "tcga", label: i % 2 ? "LUAD" : "BRCA", patient_id: id.slice(0, 12), group: `P${i % 3}`, mpp: 0.5, path: "/nonexistent" };
      await writeMarker(ctx.ws, { stage: "manifest", unit: id, fingerprint: `m${i}`, status: "done", outputs: [], counts: {}, row, seconds: 0, finishedAt: "" });
      await writeMarker(ctx.ws, { stage: "features", unit: id, fingerprint: `f${i}`, status: "done", outputs: files, counts: {}, row: { ...row, encoder_id: "enc", files }, seconds: 0, finishedAt: "" });
    }
    const p = await runStage(ctx, pretrainStage);
    expect(p.status, `${p.message}\n${out.text()}`).toBe("done");
    const marker = (await readStageMarkers(ctx.ws, "pretrain")).get("cohort")!;
    expect(marker.row).toMatchObject({ phase1_steps: 3, phase2_steps: 0, backbone: null });
    const loss = JSON.parse(await readFile(join(ws, "results", "pretrain", "loss.json"), "utf8"));
    expect(loss.rows.length).toBeGreaterThan(0);
    expect((await requirePackage<Figures>("figures")).validateFigureInput("pretrain-loss", loss)).toEqual([]);
    const d = await runStage(ctx, diagnosticsStage);
    expect(d.status, d.message).toBe("done");
    const gates = JSON.parse(await readFile(join(ws, "diagnostics", "gates.json"), "utf8")).gates;
    expect(gates.map((g: { id: string }) => g.id)).toEqual(["G1", "G2", "G3", "G4"]);
    expect(gates[0].status).toBe("PASS"); // 6 of 6 slides have both scales
    const e = await runStage(ctx, embeddingsStage);
    expect(e.status, e.message).toBe("done");
    expect(e.outputs).toEqual(["embeddings/tcga.arrow"]);
    // Same inputs again: every stage skips.
    for (const s of [pretrainStage, diagnosticsStage, embeddingsStage]) expect((await runStage(ctx, s)).counts).toMatchObject({ skipped: 1, ran: 0 });

    // Pretraining on standardised tokens: the stale run starts afresh (not from the old checkpoints), and
    // the embeddings are made with the checkpoint's token statistics.
    const before = await mil.readEmbeddings(join(ws, "embeddings", "tcga.arrow"));
    config.settings.pretrain.standardizeTokens = true;
    const p2 = await runStage(ctx, pretrainStage);
    expect(p2.status, p2.message).toBe("done");
    expect(out.text()).toMatch(/\[pretrain\] inputs or settings changed: removed \d+ old checkpoint entries from weights\/, starting afresh/);
    expect((await readStageMarkers(ctx.ws, "pretrain")).get("cohort")!.row).toMatchObject({ phase1_steps: 3 });
    const finalDir = join(ws, "weights", "final");
    const scaler = (await byol.loadTokenScaler(finalDir))!;
    expect(scaler).toBeDefined();
    expect((await runStage(ctx, embeddingsStage)).status).toBe("done");
    const after = await mil.readEmbeddings(join(ws, "embeddings", "tcga.arrow"));
    expect(after.checkpoint).not.toBe(before.checkpoint);
    const model = await mil.MILTransformer.load(join(finalDir, "student.safetensors"));
    try {
      const id = after.rows[0]!.slideId;
      const feats = await Promise.all(["scale0p5", "scale2p0"].map((d) => backbone.readFeatureFile(join(ws, "features", "enc", d, `${id}.h5`))));
      const pos = (f: { coords: Float64Array }, scale: number) => mil.tileCentresMm(f.coords, { mppX: 0.5, mppY: 0.5, tileSizeLevel0: (256 * scale) / 0.5 });
      const bag = { slideId: id, features05: feats[0]!.features, coords05: pos(feats[0]!, 0.5), features20: feats[1]!.features, coords20: pos(feats[1]!, 2) };
      const output = config.settings.embeddings.output;
      const standardised = await model.embed(scaler.transform(bag), { output });
      const raw = await model.embed(bag, { output });
      expect(Array.from(after.rows[0]!.embedding)).toEqual(Array.from(standardised));
      expect(Array.from(raw)).not.toEqual(Array.from(standardised));
    } finally {
      await model.release();
    }
  });
});
