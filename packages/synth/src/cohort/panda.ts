import { hash32, Rng } from "../random";
import type { CohortPreset, SlideJob } from "./types";

/** PANDA's two data providers: different scanners (mpp) and stains. */
export const pandaProviders = {
  karolinska: { mpp: 0.452, center: "karolinska" },
  radboud: { mpp: 0.486, center: "radboud" },
} as const;

/** Gleason scores per ISUP grade (0 = benign). */
const GLEASON: Record<number, [number, number][]> = {
  0: [[0, 0]],
  1: [[3, 3]],
  2: [[3, 4]],
  3: [[4, 3]],
  4: [[4, 4], [3, 5], [5, 3]],
  5: [[4, 5], [5, 4], [5, 5]],
};

/** Tissue mixture for a Gleason score: primary pattern 55 %, secondary 30 %, benign glands and stroma the rest. */
export function gleasonMixture(primary: number, secondary: number): Record<string, number> {
  if (primary === 0) return { "benign-glands": 0.85, stroma: 0.15 };
  const mix: Record<string, number> = { "benign-glands": 0.1, stroma: 0.05 };
  const add = (k: string, f: number) => (mix[k] = (mix[k] ?? 0) + f);
  add(`gleason-${primary}`, 0.55);
  add(`gleason-${secondary}`, 0.3);
  return mix;
}

/**
 * PANDA-like prostate biopsies: `Validation Data/PANDA/train_images/<image_id>.tiff` with
 * `train.csv` (`image_id,data_provider,isup_grade,gleason_score`). Grades cycle 0–5; Karolinska
 * writes benign as `0+0`, Radboud as `negative`, as in the real data.
 */
export function pandaJobs(preset: CohortPreset): SlideJob[] {
  const rng = new Rng(hash32(preset.seed, 300));
  const jobs: SlideJob[] = [];
  for (let i = 0; i < preset.panda.images; i++) {
    const provider = i % 2 === 0 ? "karolinska" : "radboud";
    const grade = Math.floor(i / 2) % 6;
    const [primary, secondary] = rng.pick(GLEASON[grade] as [number, number][]);
    const imageId = Array.from({ length: 32 }, () => "0123456789abcdef"[rng.int(0, 15)]).join("");
    const gleason = grade === 0 ? (provider === "karolinska" ? "0+0" : "negative") : `${primary}+${secondary}`;
    const p = pandaProviders[provider];
    jobs.push({
      dataset: "PANDA",
      relPath: `Validation Data/PANDA/train_images/${imageId}.tiff`,
      options: {
        widthUm: preset.panda.sizeUm[0],
        heightUm: preset.panda.sizeUm[1],
        mpp: p.mpp,
        tissueClass: gleasonMixture(primary, secondary),
        center: p.center,
        tissuePieces: rng.int(1, 2),
        pen: rng.next() < 0.1 ? 1 : 0,
        format: "tiff",
        seed: `${preset.seed}:${imageId}`,
      },
      labels: { image_id: imageId, data_provider: provider, isup_grade: grade, gleason_score: gleason },
    });
  }
  return jobs;
}

/** `train.csv` for the PANDA jobs. */
export function pandaCsv(jobs: SlideJob[]): string {
  const rows = jobs.map((j) => `${j.labels.image_id},${j.labels.data_provider},${j.labels.isup_grade},${j.labels.gleason_score}`);
  return `image_id,data_provider,isup_grade,gleason_score\n${rows.join("\n")}\n`;
}
