import type { CohortPreset } from "./types";

/**
 * Built-in cohorts. `tiny`: a handful of 2–3 mm slides per dataset, for tests (seconds to synthesize).
 * `demo`: the embedded default run (138 slides of 3–3.5 mm). `bench`: larger slides and counts.
 */
export const cohortPresets = new Map<string, CohortPreset>([
  ["tiny", {
    name: "tiny",
    seed: 2024,
    tcga: { codes: ["BRCA", "LUAD", "KIRC"], patientsPerCode: 2, patientsWithTwoSlides: 1, sizeUm: [2000, 1600], fortyXEvery: 7 },
    camelyon16: { tumor: 2, normal: 2, sizeUm: [2400, 1800], mpp: 0.5 },
    camelyon17: { patients: 2, nodesPerPatient: 2, sizeUm: [2600, 2400], mpp: 0.5 },
    panda: { images: 6, sizeUm: [2400, 1000] },
  }],
  ["demo", {
    name: "demo",
    seed: 2025,
    tcga: { codes: ["BRCA", "LUAD", "KIRC", "COAD"], patientsPerCode: 6, patientsWithTwoSlides: 1, sizeUm: [3500, 2500], fortyXEvery: 4 },
    camelyon16: { tumor: 12, normal: 12, sizeUm: [3000, 2400], mpp: 0.5 },
    // 25 patients × 2 nodes (5 per centre) rather than 5 × 5: a pN κ over 5 patients means nothing. The
    // nodes fit a macrometastasis (> 2 mm), so pN0 / pN0(i+) / pN1mi / pN1 all occur; smaller (2.4 mm
    // square) nodes were too often more than 75 % glass, and QC dropped positive nodes.
    camelyon17: { patients: 25, nodesPerPatient: 2, sizeUm: [3000, 2400], mpp: 0.5 },
    panda: { images: 36, sizeUm: [3500, 1300] },
  }],
  ["bench", {
    name: "bench",
    seed: 2026,
    tcga: { codes: ["BRCA", "LUAD", "KIRC", "COAD", "LUSC"], patientsPerCode: 12, patientsWithTwoSlides: 4, sizeUm: [10000, 8000], fortyXEvery: 3 },
    camelyon16: { tumor: 20, normal: 20, sizeUm: [8000, 6000], mpp: 0.25 },
    camelyon17: { patients: 10, nodesPerPatient: 5, sizeUm: [8000, 6000], mpp: 0.25 },
    panda: { images: 60, sizeUm: [8000, 2500] },
  }],
]);

/** Looks a preset up by name; throws a RangeError naming the known ones. */
export function cohortPreset(name: string): CohortPreset {
  const p = cohortPresets.get(name);
  if (!p) throw new RangeError(`unknown cohort preset "${name}", expected one of ${[...cohortPresets.keys()].join(", ")}`);
  return p;
}
