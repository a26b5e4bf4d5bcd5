import type { SynthesizeSlideOptions } from "../types";

/** Names of the built-in cohort presets. */
export type CohortPresetName = "tiny" | "demo" | "bench";

/** Size and count settings of one cohort; see `cohortPresets`. */
export interface CohortPreset {
  name: string;
  /** Base seed: every slide's seed derives from it and the slide's name. */
  seed: number;
  tcga: { codes: string[]; patientsPerCode: number; patientsWithTwoSlides: number; sizeUm: [number, number]; fortyXEvery: number };
  camelyon16: { tumor: number; normal: number; sizeUm: [number, number]; mpp: number };
  camelyon17: { patients: number; nodesPerPatient: number; sizeUm: [number, number]; mpp: number };
  panda: { images: number; sizeUm: [number, number] };
}

/** One slide to synthesize within a cohort. */
export interface SlideJob {
  dataset: "TCGA" | "CAMELYON16" | "CAMELYON17" | "PANDA";
  /** Path relative to the cohort folder, with `/` separators. */
  relPath: string;
  options: SynthesizeSlideOptions;
  /** Labels known before rendering (dataset-specific). */
  labels: Record<string, string | number>;
}

/** One entry of `cohort.json`. */
export interface CohortSlide {
  dataset: SlideJob["dataset"];
  path: string;
  truth: string;
  labels: Record<string, string | number>;
}

/** What {@link synthesizeCohort} wrote. */
export interface CohortResult {
  dir: string;
  preset: string;
  slides: CohortSlide[];
  /** Slides skipped because they were already complete (resume). */
  skipped: number;
}

/** Progress of {@link synthesizeCohort}: one call per slide. */
export interface CohortProgress {
  index: number;
  total: number;
  path: string;
  skipped: boolean;
}

export interface SynthesizeCohortOptions {
  /** Called after each slide. */
  onSlide?: (progress: CohortProgress) => void;
  /** Only these datasets. @default all four */
  datasets?: SlideJob["dataset"][];
  signal?: AbortSignal;
}
