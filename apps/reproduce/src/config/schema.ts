import { z } from "zod";
import { DATASET_NAMES, STAGE_NAMES } from "../types";

const stage = z.enum(STAGE_NAMES);

/** The tunable parts of every stage; the defaults are the original's numbers (SPEC Part B) unless Part A says otherwise. */
export const pipelineSettingsSchema = z
  .object({
    qc: z
      .object({
        thumbnailMaxSide: z.number().int().min(64).default(1024),
        /** Which slides go on to tiling: `strict` applies the QC exclusion rule (ours), `medium` the original's rule. */
        policy: z.enum(["strict", "medium", "none"]).default("strict"),
      })
      .strict()
      .prefault({}),
    tiling: z
      .object({
        tokens05: z.number().int().min(1).default(1200),
        tokens20: z.number().int().min(1).default(400),
        /**
         * Token budgets for some datasets only (e.g. fewer tiles per CAMELYON node so the demo can afford more
         * patients); datasets not named use `tokens05` / `tokens20`.
         */
        perDataset: z
          .partialRecord(z.enum(DATASET_NAMES), z.object({ tokens05: z.number().int().min(1), tokens20: z.number().int().min(1) }).strict())
          .default({}),
        strideFraction: z.number().gt(0).max(1).default(224 / 256),
        minCoverage: z.number().min(0).max(1).default(0.3),
        /** Declared pixel size for slides whose files have none (Part A: otherwise a typed error). */
        assumeMpp: z.number().positive().optional(),
      })
      .strict()
      .prefault({}),
    features: z
      .object({
        arch: z.string().default("convnext_tiny"),
        /** Weights file (safetensors or ONNX); none = seeded random init (this machine has no ImageNet weights). */
        weights: z.string().optional(),
        batchSize: z.number().int().min(1).default(64),
        threads: z.number().int().min(0).default(0),
        dtype: z.enum(["float32", "float16"]).default("float32"),
      })
      .strict()
      .prefault({}),
    pretrain: z
      .object({
        epochsPhase1: z.number().int().min(0).default(2),
        epochsPhase2: z.number().int().min(0).default(2),
        batchSlides: z.number().int().min(1).default(3),
        warmupSteps: z.number().int().min(0).default(500),
        /** Aggregator depth (6 in the paper; the demo preset uses fewer to fit its time budget). */
        layers: z.number().int().min(1).default(6),
        /**
         * Standardise token features (per scale and dimension, fitted over the pretraining bags, saved with the
         * checkpoint and applied again when embedding). Not in the original; the demo preset uses it because a
         * random-init backbone's features share a large offset that makes BYOL and MFR targets trivial.
         */
        standardizeTokens: z.boolean().default(false),
      })
      .strict()
      .prefault({}),
    embeddings: z
      .object({
        /** Which slide vector NB08 exports: the projector output (the original's) or the max-pooled representation. */
        output: z.enum(["projector", "pooled"]).default("projector"),
      })
      .strict()
      .prefault({}),
    evaluation: z
      .object({
        seeds: z.array(z.number().int()).min(1).default([42, 123, 456]),
        folds: z.number().int().min(2).default(5),
        bootstrap: z.number().int().min(10).default(1000),
      })
      .strict()
      .prefault({}),
    panda: z
      .object({
        /** µm/px per provider, used only for files that carry none (recorded as `mpp_source=provider`). */
        providerMpp: z.record(z.string(), z.number().positive()).default({ karolinska: 0.452, radboud: 0.486 }),
        epochs: z.number().int().min(1).default(30),
        /** Standardise token features per training fold before the grading model (not in the original). */
        standardize: z.boolean().default(false),
      })
      .strict()
      .prefault({}),
  })
  .strict();

/** What a config file may contain (every field optional; flags and environment override it). */
export const configFileSchema = z
  .object({
    data: z.string().optional(),
    workspace: z.string().optional(),
    wsiRoot: z.string().optional(),
    pandaRoot: z.string().optional(),
    demo: z.boolean().optional(),
    demoPreset: z.enum(["tiny", "demo", "bench"]).optional(),
    stages: z.array(stage).optional(),
    from: stage.optional(),
    paperCompat: z.boolean().optional(),
    seed: z.number().int().min(0).optional(),
    retryFailed: z.boolean().optional(),
    settings: z.unknown().optional(),
  })
  .strict();

/** The resolved run configuration. */
export const runConfigSchema = z
  .object({
    data: z.string().optional(),
    workspace: z.string(),
    wsiRoot: z.string().optional(),
    pandaRoot: z.string().optional(),
    demo: z.boolean(),
    demoPreset: z.enum(["tiny", "demo", "bench"]),
    stages: z.array(stage).optional(),
    from: stage.optional(),
    paperCompat: z.boolean(),
    seed: z.number().int().min(0),
    retryFailed: z.boolean(),
    shard: z.object({ index: z.number().int().min(0), count: z.number().int().min(1) }).optional(),
    quiet: z.boolean(),
    jsonLog: z.boolean(),
    settings: pipelineSettingsSchema,
  })
  .strict()
  .refine((c) => !c.shard || c.shard.index < c.shard.count, { message: "shard index must be < shard count", path: ["shard"] });

/** Stage settings after defaults. */
export type PipelineSettings = z.infer<typeof pipelineSettingsSchema>;
/** A validated run configuration. */
export type RunConfig = z.infer<typeof runConfigSchema>;
/** The content of a `--config` file. */
export type ConfigFile = z.infer<typeof configFileSchema>;
