import { existsSync } from "node:fs";
import { mkdir, readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { writeFileAtomic } from "../atomic";
import { SynthError } from "../errors";
import { synthesizeSlide, truthStem } from "../synthesize-slide";
import type { SlideTruth } from "../types";
import { camelyon16Jobs, camelyon17Csv, camelyon17Jobs, nodeCategory } from "./camelyon";
import { pandaCsv, pandaJobs } from "./panda";
import { cohortPreset } from "./presets";
import { tcgaJobs } from "./tcga";
import type { CohortPreset, CohortResult, CohortSlide, SlideJob, SynthesizeCohortOptions } from "./types";

/** Every slide of a preset, in the order they are written. */
export function planCohort(preset: CohortPreset): SlideJob[] {
  return [...tcgaJobs(preset), ...camelyon16Jobs(preset), ...camelyon17Jobs(preset), ...pandaJobs(preset)];
}

/**
 * Writes a synthetic cohort in the layout of the real data (`Raw Data/TCGA|CAMELYON16|CAMELYON17`,
 * `Validation Data/PANDA`), with the label files the real datasets ship and `cohort.json` listing
 * every slide with its labels and ground truth. Resumable: slides whose `.truth.json` exists are kept.
 */
export async function synthesizeCohort(dir: string, preset: string | CohortPreset, options: SynthesizeCohortOptions = {}): Promise<CohortResult> {
  let p: CohortPreset;
  try {
    p = typeof preset === "string" ? cohortPreset(preset) : preset;
  } catch (error) {
    throw new SynthError("BAD_OPTIONS", dir, (error as Error).message, { cause: error });
  }
  const jobs = planCohort(p).filter((j) => !options.datasets || options.datasets.includes(j.dataset));
  const done: { job: SlideJob; truth: SlideTruth }[] = [];
  let skipped = 0;
  for (const [index, job] of jobs.entries()) {
    if (options.signal?.aborted) throw new SynthError("ABORTED", dir, "cohort synthesis aborted");
    const path = join(dir, job.relPath);
    const truthPath = `${truthStem(path)}.truth.json`;
    let truth: SlideTruth;
    const reuse = existsSync(path) && existsSync(truthPath);
    if (reuse) {
      truth = JSON.parse(await readFile(truthPath, "utf8")) as SlideTruth;
      skipped++;
    } else {
      await mkdir(dirname(path), { recursive: true });
      truth = await synthesizeSlide(path, { ...job.options, signal: options.signal });
    }
    done.push({ job, truth });
    options.onSlide?.({ index, total: jobs.length, path, skipped: reuse });
  }
  const cam17 = done.filter((d) => d.job.dataset === "CAMELYON17");
  if (cam17.length) await writeFileAtomic(join(dir, "Raw Data/CAMELYON17/stage_labels.csv"), camelyon17Csv(cam17.map((d) => ({ job: d.job, lesions: d.truth.lesions }))));
  const panda = done.filter((d) => d.job.dataset === "PANDA").map((d) => d.job);
  if (panda.length) await writeFileAtomic(join(dir, "Validation Data/PANDA/train.csv"), pandaCsv(panda));
  const slides: CohortSlide[] = done.map(({ job, truth }) => ({
    dataset: job.dataset,
    path: job.relPath,
    truth: `${truthStem(job.relPath)}.truth.json`,
    labels: job.dataset === "CAMELYON17" ? { ...job.labels, node_label: nodeCategory(truth.lesions) } : job.labels,
  }));
  await writeFileAtomic(join(dir, "cohort.json"), `${JSON.stringify({ schema: "osfm-synth/cohort@1", preset: p.name, seed: p.seed, slides }, null, 1)}\n`);
  return { dir, preset: p.name, slides, skipped };
}
