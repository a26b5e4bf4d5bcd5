import { dirname } from "node:path";
import { hashValue } from "../io/hash";
import { missingApis, requirePackage } from "../ports/modules";
import type { BackbonePort, MilPort } from "../ports/pipeline";
import type { ByolPort } from "../ports/byol";
import { readStageMarkers } from "../runner/markers";
import type { Stage, StageContext } from "../runner/stage";
import { featureSlides } from "../eval/feature-index";

const FEATURE_STAGES = ["features-pretrained", "features", "panda-features"];

/** The pretrained aggregator checkpoint (workspace-relative) from the pretrain stage's record. */
async function aggregatorCheckpoint(ctx: StageContext): Promise<{ path: string; fingerprint: string } | undefined> {
  const m = (await readStageMarkers(ctx.ws, "pretrain")).get("cohort");
  if (!m || m.status !== "done" || typeof m.row?.aggregator !== "string") return undefined;
  return { path: m.row.aggregator, fingerprint: m.fingerprint };
}

async function slidesWithFeatures(ctx: StageContext) {
  const main = await featureSlides(ctx, FEATURE_STAGES.slice(0, 2));
  const panda = await featureSlides(ctx, ["panda-features"]);
  return { stage: main?.stage ?? null, slides: [...(main?.slides ?? []), ...(panda?.slides ?? [])] };
}

/**
 * NB08: one embedding per slide from the pretrained MILTransformer (@osfm/mil), fed with the features
 * of the pretrained backbone when that stage ran (else the initial ones; recorded), positions from the
 * tiles' true physical location; `embeddings/<dataset>.arrow` per dataset.
 */
export const embeddingsStage: Stage = {
  name: "embeddings",
  nb: "NB08",
  title: "slide embeddings",
  kind: "cohort",
  deps: ["pretrain", "features-pretrained"],
  version: 1,
  settings: (c) => ({ output: c.settings.embeddings.output }),
  unavailable: () => missingApis({ mil: ["MILTransformer", "exportEmbeddings", "tileCentresMm"], backbone: ["readFeatureFile"], "byol-mfr": ["loadTokenScaler"] }),
  async plan(ctx) {
    const ckpt = await aggregatorCheckpoint(ctx);
    if (!ckpt) return { units: [], missing: 1, missingReason: "no pretrained aggregator yet (stage pretrain)", inputs: [] };
    const found = await slidesWithFeatures(ctx);
    if (!found.slides.length) return { units: [], missing: 1, missingReason: "no features yet (stage features)", inputs: [] };
    return { units: [{ id: "cohort", inputs: hashValue([ckpt.fingerprint, found.stage, found.slides.map((s) => s.fingerprint)]) }], missing: 0, inputs: [ckpt.path, `features (${found.stage}) of ${found.slides.length} slides`] };
  },
  async runUnit(ctx) {
    const mil = await requirePackage<MilPort>("mil");
    const backbone = await requirePackage<BackbonePort>("backbone");
    const ckpt = (await aggregatorCheckpoint(ctx))!;
    const manifest = await readStageMarkers(ctx.ws, "manifest");
    const model = await mil.MILTransformer.load(ctx.ws.path(ckpt.path));
    // a checkpoint pretrained on standardised tokens carries its statistics: embed with the same transform
    // (a folder with weights only, e.g. an aggregator trained elsewhere, means raw tokens)
    const byol = await requirePackage<ByolPort>("byol-mfr");
    const scaler = await byol.loadTokenScaler(dirname(ctx.ws.path(ckpt.path)), { ifMissing: "none" });
    const { slides } = await slidesWithFeatures(ctx);
    const byDataset = new Map<string, { slideId: string; embedding: Float32Array; nTokens05: number; nTokens20: number }[]>();
    try {
      for (const s of slides) {
        const row = manifest.get(s.slide_id)?.row ?? {};
        const mpp = Number(row.mpp);
        const a = await backbone.readFeatureFile(s.file05);
        const b = await backbone.readFeatureFile(s.file20);
        const pos = (coords: Float64Array, scale: number) => mil.tileCentresMm(coords, { mppX: mpp, mppY: mpp, tileSizeLevel0: (256 * scale) / mpp });
        const bag = { slideId: s.slide_id, features05: a.features, coords05: pos(a.coords, 0.5), features20: b.features, coords20: pos(b.coords, 2) };
        const embedding = await model.embed(scaler ? scaler.transform(bag) : bag, { output: ctx.config.settings.embeddings.output });
        const list = byDataset.get(s.dataset) ?? [];
        list.push({ slideId: s.slide_id, embedding, nTokens05: a.n, nTokens20: b.n });
        byDataset.set(s.dataset, list);
      }
    } finally {
      await model.release();
    }
    const outputs: string[] = [];
    for (const [dataset, rows] of [...byDataset].sort()) {
      const path = ctx.ws.embeddings(dataset);
      await mil.exportEmbeddings({ path, rows, checkpointFingerprint: model.fingerprint, kind: ctx.config.settings.embeddings.output });
      outputs.push(ctx.ws.rel(path));
    }
    return { outputs, counts: { slides: slides.length, datasets: byDataset.size } };
  },
};
