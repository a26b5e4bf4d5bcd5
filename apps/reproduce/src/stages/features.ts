import { readFile } from "node:fs/promises";
import type { RunConfig } from "../config/schema";
import { writeJsonAtomic } from "../io/atomic";
import { missingApis, requirePackage } from "../ports/modules";
import type { BackbonePort, EncoderPort, TilingPort } from "../ports/pipeline";
import type { Stage, StageContext } from "../runner/stage";
import type { DatasetName, StageName } from "../types";
import { planSlideUnits, type SlideUnit } from "./slide-units";
import { withSlide } from "./slide-io";

/** Which backbone weights a feature stage uses. */
export type WeightsChoice = (ctx: StageContext) => Promise<{ weights?: string; label: string } | undefined>;

const encoders = new Map<string, Promise<EncoderPort>>();

function encoderFor(config: RunConfig, weights: string | undefined): Promise<EncoderPort> {
  const f = config.settings.features;
  const key = JSON.stringify([f.arch, weights ?? null, f.dtype, f.threads, config.seed]);
  let e = encoders.get(key);
  if (!e) {
    e = requirePackage<BackbonePort>("backbone").then((b) => b.createEncoder({ arch: f.arch, ...(weights ? { weights } : {}), seed: config.seed, threads: f.threads, dtype: f.dtype }));
    encoders.set(key, e);
  }
  return e;
}

/**
 * A feature-extraction stage (NB05, its rerun with the pretrained backbone, NB10 for PANDA): for each
 * tiled slide, `@osfm/backbone` writes `features/<backbone-id>/scale0p5|scale2p0/<slide>.h5`.
 */
export function featureStage(def: { name: StageName; nb: string; title: string; deps: StageName[]; datasets?: DatasetName[]; weights: WeightsChoice }): Stage<SlideUnit> {
  return {
    name: def.name,
    nb: def.nb,
    title: def.title,
    kind: "slide",
    deps: def.deps,
    version: 1,
    rateCount: "tiles",
    settings: (c) => ({ ...c.settings.features, seed: c.seed }),
    unavailable: () => missingApis({ wsi: ["openSlide"], tiling: ["parseManifest"], backbone: ["createEncoder", "extractFeatures"] }),
    async plan(ctx) {
      const w = await def.weights(ctx);
      const plan = await planSlideUnits(ctx, { needs: ["tiles"], ...(def.datasets ? { datasets: def.datasets } : {}) });
      if (!w && !plan.notApplicable) return { ...plan, units: [], missing: Math.max(1, plan.units.length), missingReason: "no pretrained backbone yet (stage pretrain)" };
      // The backbone is part of every unit's inputs: a new backbone makes all features stale.
      for (const u of plan.units) u.inputs += `|weights:${w?.label}`;
      return plan;
    },
    async runUnit(ctx, unit) {
      const backbone = await requirePackage<BackbonePort>("backbone");
      const tiling = await requirePackage<TilingPort>("tiling");
      const w = await def.weights(ctx);
      const encoder = await encoderFor(ctx.config, w?.weights);
      const rows = tiling.parseManifest(await readFile(ctx.ws.tiles(unit.id)), ctx.ws.tiles(unit.id)).rows;
      const results = await withSlide(unit.slide.path, (slide) =>
        backbone.extractFeatures({ slide, manifest: rows, encoder, out: ctx.ws.path("features"), slideId: unit.id, batchSize: ctx.config.settings.features.batchSize }),
      );
      const n = (scale: number) => results.find((r) => r.scale === scale)?.tiles ?? 0;
      const row = { slide_id: unit.id, dataset: unit.slide.dataset, label: unit.slide.label, patient_id: unit.slide.patient_id, group: unit.slide.group, encoder_id: encoder.id, n_0p5: n(0.5), n_2p0: n(2), files: results.map((r) => ctx.ws.rel(r.path)) };
      return { outputs: row.files, counts: { tiles: rows.length }, row };
    },
    async finalize(ctx, markers) {
      const rows = [...markers.values()].filter((m) => m.status === "done" && m.row).map((m) => m.row!).sort((a, b) => (String(a.slide_id) < String(b.slide_id) ? -1 : 1));
      const index = ctx.ws.path("features", `index-${def.name}.json`);
      const encoderIds = [...new Set(rows.map((r) => r.encoder_id))];
      await writeJsonAtomic(index, { stage: def.name, encoder_ids: encoderIds, slides: rows });
      return { outputs: [ctx.ws.rel(index)], counts: { slides: rows.length } };
    },
  };
}

/** The initial backbone: `settings.features.weights`, or a seeded random ConvNeXt-Tiny (no ImageNet weights on this machine). */
export const initialWeights: WeightsChoice = async (ctx) => {
  const w = ctx.config.settings.features.weights;
  return w ? { weights: w, label: `file:${w}` } : { label: `random-init:seed${ctx.config.seed}` };
};

/**
 * The phase-2 backbone of the pretrain stage (the step the original describes but never does); when
 * pretraining had no phase 2 the backbone did not change, so the initial one is used (and its cached
 * features are reused as they are, by fingerprint).
 */
export const pretrainedWeights: WeightsChoice = async (ctx) => {
  const { readStageMarkers } = await import("../runner/markers");
  const m = (await readStageMarkers(ctx.ws, "pretrain")).get("cohort");
  if (!m || m.status !== "done") return undefined;
  const backbone = m.row?.backbone;
  if (typeof backbone === "string") return { weights: ctx.ws.path(backbone), label: `pretrained:${String(m.row?.backbone_encoder_id ?? m.fingerprint)}` };
  return initialWeights(ctx);
};
