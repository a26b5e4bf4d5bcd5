/** A metric with its 95% CI, as every evaluation stage reports it. */
export interface TaskMetric {
  name: string;
  value: number | null;
  ci95: [number, number] | null;
  /** How the CI was obtained (e.g. "patient-level bootstrap, 1000 resamples"). */
  ciMethod?: string;
}

/**
 * `results/<task>/summary.json`: what the report shows for each task. Written by the evaluation
 * stages (tcga, scale-ablation, cam17, cam16, panda-mil, panda-metrics).
 */
export interface TaskSummary {
  task: string;
  title: string;
  /** The protocol in one line (splits, seeds, model selection). */
  protocol: string;
  n: number;
  /** Score of a trivial classifier, so "above chance" can be read off. */
  chance?: { name: string; value: number };
  metrics: TaskMetric[];
  /** Extra tables (e.g. the scale-ablation comparisons with p-values). */
  tables?: { title: string; columns: string[]; rows: Record<string, unknown>[] }[];
  notes?: string[];
}
