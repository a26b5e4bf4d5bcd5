import type { DatasetName } from "../types";

/** One slide as an adapter found it: where it is and what the dataset says about it. */
export interface SlideEntry {
  slideId: string;
  dataset: DatasetName;
  /** Absolute path of the slide file (always inside the data folder). */
  path: string;
  /** Patient (TCGA barcode patient, CAMELYON17 patient, PANDA image). */
  patientId: string;
  /** The grouping unit for group-aware CV: TCGA tissue source site, CAMELYON17 centre, PANDA provider. */
  group: string | null;
  /** The task label as text: cancer code, tumor/normal, pN0…pN4, ISUP grade. */
  label: string | null;
  /** Dataset-specific columns (cancer_code, tss, center, node, pn, isup_grade, gleason_score, data_provider, …). */
  extra: Record<string, string | number | null>;
  /** Pixel size to use when the file carries none (PANDA per-provider mpp), with its source. */
  fallbackMpp?: { mpp: number; source: string };
}

/** What an adapter found in its folder, with messages for the user. */
export interface AdapterResult {
  dataset: DatasetName;
  root: string;
  slides: SlideEntry[];
  /** Things the user should know (ignored files, excluded test slides, missing images). */
  notes: string[];
}

/** Where the adapters look, after the data folder and environment overrides are resolved. */
export interface DataRoots {
  data: string | undefined;
  tcga: string | undefined;
  camelyon16: string | undefined;
  camelyon17: string | undefined;
  panda: string | undefined;
}

/** Options every adapter receives. */
export interface AdapterOptions {
  /** Per-provider µm/px for PANDA files without mpp. */
  pandaProviderMpp: Record<string, number>;
}

/** A dataset adapter: finds the slides of one dataset under its root. */
export interface DatasetAdapter {
  dataset: DatasetName;
  /** The folder it reads, relative to the data folder, as the original lays it out. */
  defaultSubdir: string;
  read(root: string, options: AdapterOptions): Promise<AdapterResult>;
}
