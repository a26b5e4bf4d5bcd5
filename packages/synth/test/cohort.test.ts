import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { nodeCategory, pnStage, type NodeCategory } from "../src/cohort/camelyon";
import { cohortPreset } from "../src/cohort/presets";
import { planCohort, synthesizeCohort } from "../src/cohort/synthesize-cohort";
import type { CohortPreset } from "../src/cohort/types";
import type { SlideTruth } from "../src/types";
import { probe } from "./openslide";

const dir = mkdtempSync(join(tmpdir(), "osfm-cohort-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const BARCODE = /^TCGA-([A-Z0-9]{2})-([A-Z0-9]{4})-01Z-00-DX(\d)\.[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}\.svs$/;

describe("cohort plans", () => {
  it("tiny, demo and bench follow the real datasets' naming", () => {
    for (const name of ["tiny", "demo", "bench"]) {
      const jobs = planCohort(cohortPreset(name));
      const tcga = jobs.filter((j) => j.dataset === "TCGA");
      const codes = new Set(tcga.map((j) => j.relPath.split("/")[2]));
      expect(codes.size).toBeGreaterThanOrEqual(3);
      for (const j of tcga) expect(j.relPath.split("/").pop()).toMatch(BARCODE);
      // Tissue source sites shared by several patients; some patients with two slides.
      const patientsPerSite = new Map<string, Set<string>>();
      const slidesPerPatient = new Map<string, number>();
      for (const j of tcga) {
        const [, tss, patient] = (j.relPath.split("/").pop() as string).match(BARCODE) as RegExpMatchArray;
        patientsPerSite.set(tss as string, (patientsPerSite.get(tss as string) ?? new Set()).add(patient as string));
        slidesPerPatient.set(patient as string, (slidesPerPatient.get(patient as string) ?? 0) + 1);
      }
      expect([...patientsPerSite.values()].some((s) => s.size >= 2)).toBe(true);
      expect([...slidesPerPatient.values()].some((n) => n === 2)).toBe(true);
      expect(new Set(tcga.map((j) => j.options.mpp))).toEqual(new Set([0.25, 0.5]));
      const c16 = jobs.filter((j) => j.dataset === "CAMELYON16").map((j) => j.relPath);
      expect(c16.every((p) => /^Raw Data\/CAMELYON16\/(tumor|normal)_\d{3}\.tif$/.test(p))).toBe(true);
      const c17 = jobs.filter((j) => j.dataset === "CAMELYON17").map((j) => j.relPath);
      expect(c17.every((p) => /^Raw Data\/CAMELYON17\/patient_\d{3}_node_\d\.tif$/.test(p))).toBe(true);
      const panda = jobs.filter((j) => j.dataset === "PANDA");
      expect(panda.every((j) => /^Validation Data\/PANDA\/train_images\/[0-9a-f]{32}\.tiff$/.test(j.relPath))).toBe(true);
      expect(new Set(panda.map((j) => j.labels.data_provider))).toEqual(new Set(["karolinska", "radboud"]));
      expect(new Set(panda.map((j) => j.options.mpp)).size).toBe(2);
      expect(planCohort(cohortPreset(name))).toEqual(jobs);
    }
  });

  it("pN stage follows the node categories", () => {
    const cases: [NodeCategory[], string][] = [
      [["negative", "negative"], "pN0"],
      [["negative", "itc"], "pN0(i+)"],
      [["micro", "itc"], "pN1mi"],
      [["macro", "negative"], "pN1"],
      [["macro", "micro", "micro", "macro", "negative"], "pN2"],
    ];
    for (const [nodes, stage] of cases) expect(pnStage(nodes)).toBe(stage);
    expect(nodeCategory([])).toBe("negative");
    expect(nodeCategory([{ maxDiameterUm: 150 }])).toBe("itc");
    expect(nodeCategory([{ maxDiameterUm: 150 }, { maxDiameterUm: 900 }])).toBe("micro");
    expect(nodeCategory([{ maxDiameterUm: 2500 }])).toBe("macro");
  });
});

describe("synthesizeCohort on a scaled-down tiny preset", () => {
  const tiny = cohortPreset("tiny");
  // Same counts and naming as `tiny`, slides shrunk so the test stays fast.
  const small: CohortPreset = {
    ...tiny,
    name: "tiny-small",
    tcga: { ...tiny.tcga, sizeUm: [700, 560] },
    camelyon16: { ...tiny.camelyon16, sizeUm: [800, 600] },
    camelyon17: { ...tiny.camelyon17, sizeUm: [800, 600] },
    panda: { ...tiny.panda, sizeUm: [800, 400] },
  };

  it("writes every slide in the data-folder layout, with label files, and OpenSlide opens them all", async () => {
    const result = await synthesizeCohort(dir, small);
    expect(result.skipped).toBe(0);
    const manifest = JSON.parse(readFileSync(join(dir, "cohort.json"), "utf8")) as { slides: { dataset: string; path: string; truth: string; labels: Record<string, string | number> }[] };
    expect(manifest.slides).toHaveLength(planCohort(small).length);
    const metas = probe(manifest.slides.map((s) => ({ path: join(dir, s.path) })));
    manifest.slides.forEach((s, i) => {
      const meta = metas[i];
      const truth = JSON.parse(readFileSync(join(dir, s.truth), "utf8")) as SlideTruth;
      expect(meta?.vendor).toBe(s.dataset === "TCGA" ? "aperio" : "generic-tiff");
      expect(meta?.levels[0]).toEqual([truth.widthPx, truth.heightPx]);
      // Pyramid down to ≤ 512 px: ×4 per level for SVS, ×2 for TIFF.
      const f = s.dataset === "TCGA" ? 4 : 2;
      const expected: [number, number][] = [[truth.widthPx, truth.heightPx]];
      while (Math.max(...(expected[expected.length - 1] as [number, number])) > 512) {
        const [w, h] = expected[expected.length - 1] as [number, number];
        expected.push([Math.ceil(w / f), Math.ceil(h / f)]);
      }
      expect(meta?.levels).toEqual(expected);
      if (s.dataset === "TCGA") expect(Number(meta?.mpp[0])).toBeCloseTo(truth.mpp, 6);
      else expect(10_000 / Number(meta?.xres)).toBeCloseTo(truth.mpp, 3);
    });
    // CAMELYON16: tumour slides have lesions, normal ones none.
    for (const s of manifest.slides.filter((x) => x.dataset === "CAMELYON16")) {
      const truth = JSON.parse(readFileSync(join(dir, s.truth), "utf8")) as SlideTruth;
      expect(truth.lesions.length > 0).toBe(s.labels.label === "tumor");
    }
    // CAMELYON17 stage CSV agrees with the measured lesions.
    const csv = readFileSync(join(dir, "Raw Data/CAMELYON17/stage_labels.csv"), "utf8").trim().split("\n");
    expect(csv[0]).toBe("patient,stage,center");
    const rows = new Map(csv.slice(1).map((l) => l.split(",") as [string, string, string]).map((r) => [r[0], r]));
    for (const s of manifest.slides.filter((x) => x.dataset === "CAMELYON17")) {
      const truth = JSON.parse(readFileSync(join(dir, s.truth), "utf8")) as SlideTruth;
      expect(rows.get(s.path.split("/").pop() as string)?.[1]).toBe(nodeCategory(truth.lesions));
    }
    expect([...rows.keys()].filter((k) => k.endsWith(".zip"))).toHaveLength(small.camelyon17.patients);
    // PANDA train.csv lists every image with provider, grade and score.
    const train = readFileSync(join(dir, "Validation Data/PANDA/train.csv"), "utf8").trim().split("\n");
    expect(train[0]).toBe("image_id,data_provider,isup_grade,gleason_score");
    expect(train).toHaveLength(small.panda.images + 1);
    for (const line of train.slice(1)) {
      const [id, provider, grade, score] = line.split(",");
      expect(existsSync(join(dir, "Validation Data/PANDA/train_images", `${id}.tiff`))).toBe(true);
      expect(["karolinska", "radboud"]).toContain(provider);
      expect(Number(grade) === 0).toBe(score === "0+0" || score === "negative");
    }
  });

  it("resumes: a second run keeps every finished slide untouched", async () => {
    const first = planCohort(small)[0];
    const path = join(dir, first?.relPath as string);
    const before = statSync(path).mtimeMs;
    const result = await synthesizeCohort(dir, small);
    expect(result.skipped).toBe(result.slides.length);
    expect(statSync(path).mtimeMs).toBe(before);
  });
});
