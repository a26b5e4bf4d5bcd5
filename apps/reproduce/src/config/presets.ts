/**
 * Settings the demo presets change, so the whole pipeline fits the demo's time budget on 2 CPU cores, and
 * so that features from a randomly initialised backbone (no ImageNet weights offline) still carry the
 * synthetic classes through: the `demo` preset pretrains the aggregator on standardised token features
 * (random-init features share a large offset that makes BYOL and MFR targets trivial), exports the
 * max-pooled representation (the vector BYOL evaluates) rather than the projector output, and
 * standardises PANDA token features per training fold.
 * The report states them. Real-data runs use the paper's numbers (the schema defaults).
 */
export const DEMO_SETTINGS: Record<"tiny" | "demo" | "bench", Record<string, Record<string, unknown>>> = {
  tiny: {
    qc: { thumbnailMaxSide: 512 },
    tiling: { tokens05: 24, tokens20: 8, perDataset: { camelyon17: { tokens05: 12, tokens20: 4 } } },
    features: { batchSize: 16 },
    pretrain: { epochsPhase1: 1, epochsPhase2: 0, warmupSteps: 2, layers: 1, batchSlides: 2, standardizeTokens: true },
    evaluation: { seeds: [42], folds: 3, bootstrap: 200 },
    panda: { epochs: 3 },
  },
  demo: {
    qc: { thumbnailMaxSide: 768 },
    // CAMELYON nodes get fewer tiles, so the demo can afford 24 CAMELYON16 slides and 25 CAMELYON17 patients
    tiling: { tokens05: 44, tokens20: 14, perDataset: { camelyon16: { tokens05: 24, tokens20: 8 }, camelyon17: { tokens05: 24, tokens20: 8 } } },
    features: { batchSize: 32 },
    pretrain: { epochsPhase1: 3, epochsPhase2: 0, warmupSteps: 10, layers: 2, batchSlides: 3, standardizeTokens: true },
    embeddings: { output: "pooled" },
    evaluation: { seeds: [42, 123, 456], folds: 5, bootstrap: 500 },
    panda: { epochs: 16, standardize: true },
  },
  bench: {
    tiling: { tokens05: 400, tokens20: 120 },
    pretrain: { epochsPhase1: 2, epochsPhase2: 1, warmupSteps: 20, layers: 6 },
    panda: { epochs: 12 },
  },
};

/** Deep merge of plain objects (arrays and scalars from `over` replace those in `base`). */
export function mergeSettings(base: unknown, over: unknown): unknown {
  if (!isPlain(base) || !isPlain(over)) return over === undefined ? base : over;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = mergeSettings(base[k], v);
  return out;
}

function isPlain(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
