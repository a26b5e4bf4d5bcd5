// Public API of @osfm/synth: see README.md.
export { synthesizeSlide, truthStem } from "./synthesize-slide";
export { SynthError } from "./errors";
export type { SynthErrorCode } from "./errors";
export { synthesizeCohort, planCohort } from "./cohort/synthesize-cohort";
export { cohortPresets, cohortPreset } from "./cohort/presets";
export { tcgaClasses } from "./cohort/tcga";
export { nodeCategory, pnStage } from "./cohort/camelyon";
export { gleasonMixture, pandaProviders } from "./cohort/panda";
export { tissueClasses, classSpec } from "./classes";
export { CENTER_STAIN_SPREAD, stainPresets, stainFor } from "./stains";
export { planLayout } from "./layout";
export { createRenderContext, renderRegion } from "./render";
export { sampleTissueTiles } from "./sample-tiles";
export type { SampledTiles, SampleTissueTilesOptions } from "./sample-tiles";
export type { NodeCategory } from "./cohort/camelyon";
export type {
  CohortPreset,
  CohortPresetName,
  CohortProgress,
  CohortResult,
  CohortSlide,
  SlideJob,
  SynthesizeCohortOptions,
} from "./cohort/types";
export type { Arrangement, TissueClassSpec } from "./classes";
export type { StainSpec } from "./stains";
export type { SlideLayout } from "./layout";
export type { RenderContext } from "./render";
export type {
  BlurRegion,
  Fold,
  LesionOptions,
  LesionTruth,
  PenColor,
  PenStroke,
  SlideTruth,
  SynthesizeSlideOptions,
} from "./types";
