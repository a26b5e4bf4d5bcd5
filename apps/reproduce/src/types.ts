/** Every stage, in the order the pipeline runs them (the original's NB order, plus the scale ablation). */
export const STAGE_NAMES = [
  "env",
  "manifest",
  "qc",
  "tiles",
  "features",
  "pretrain",
  "diagnostics",
  "features-pretrained",
  "embeddings",
  "tcga",
  "scale-ablation",
  "cam17",
  "cam16",
  "panda-features",
  "panda-mil",
  "panda-metrics",
  "figures",
  "report",
] as const;

/** A stage's name, as used on the command line (`--stages`, `--from`, `clean --stage`). */
export type StageName = (typeof STAGE_NAMES)[number];

/** The datasets the adapters read. */
export const DATASET_NAMES = ["tcga", "camelyon16", "camelyon17", "panda"] as const;
/** A dataset the adapters read. */
export type DatasetName = (typeof DATASET_NAMES)[number];

/** A per-slide stage works slide by slide (and can be sharded); a cohort stage works on the whole cohort at once. */
export type StageKind = "slide" | "cohort";

/** `--shard i/n`: this process handles the slides whose shard number is `index` out of `count`. */
export interface Shard {
  index: number;
  count: number;
}

/** True when `name` is one of {@link STAGE_NAMES}. */
export function isStageName(name: string): name is StageName {
  return (STAGE_NAMES as readonly string[]).includes(name);
}
