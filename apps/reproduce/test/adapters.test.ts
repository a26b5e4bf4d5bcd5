import { symlink } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { camelyon16Adapter } from "../src/datasets/camelyon16";
import { cam17PatientId, camelyon17Adapter, parsePn } from "../src/datasets/camelyon17";
import { pandaAdapter } from "../src/datasets/panda";
import { discoverSlides, resolveDataRoots } from "../src/datasets/registry";
import { parseTcgaBarcode, tcgaAdapter } from "../src/datasets/tcga";
import { CsvColumnsError, ReproduceError } from "../src/errors";
import { tempDir, writeTree } from "./helpers";

const opts = { pandaProviderMpp: { karolinska: 0.452, radboud: 0.486 } };

describe("TCGA adapter", () => {
  it("takes the cancer code from the folder and patient/site from the barcode", async () => {
    const root = await tempDir();
    await writeTree(root, {
      "BRCA/TCGA-A2-A0CM-01Z-00-DX1.11111111-2222.svs": "x",
      "BRCA/TCGA-A2-A0CM-01Z-00-DX2.33333333-4444.svs": "x",
      "LUAD/sub/TCGA-05-4244-01Z-00-DX1.5555.svs": "x",
      "LUAD/notes.txt": "not a slide",
      "loose.svs": "x",
      "KIRC/mystery_slide.svs": "x",
    });
    const r = await tcgaAdapter.read(root, opts);
    expect(r.slides.map((s) => [s.slideId, s.label, s.patientId, s.group])).toEqual([
      ["TCGA-A2-A0CM-01Z-00-DX1.11111111-2222", "BRCA", "TCGA-A2-A0CM", "A2"],
      ["TCGA-A2-A0CM-01Z-00-DX2.33333333-4444", "BRCA", "TCGA-A2-A0CM", "A2"],
      ["mystery_slide", "KIRC", "mystery_slide", null],
      ["TCGA-05-4244-01Z-00-DX1.5555", "LUAD", "TCGA-05-4244", "05"],
    ]);
    expect(r.notes.join("\n")).toMatch(/1 slide\(s\) directly in .* ignored/);
    expect(r.notes.join("\n")).toMatch(/1 slide\(s\) without a TCGA barcode/);
  });
  it("parses barcodes", () => {
    expect(parseTcgaBarcode("TCGA-XX-YYYY-01Z-00-DX1.abc")).toEqual({ patientId: "TCGA-XX-YYYY", tissueSourceSite: "XX", sampleType: "01" });
    expect(parseTcgaBarcode("tumor_001")).toBeUndefined();
  });
});

describe("CAMELYON16 adapter", () => {
  it("labels tumor/normal from the name and excludes the official test slides", async () => {
    const root = await tempDir();
    await writeTree(root, { "training/tumor/tumor_001.tif": "x", "training/normal/normal_002.tif": "x", "testing/test_003.tif": "x", "masks/tumor_001_mask.tif": "x" });
    const r = await camelyon16Adapter.read(root, opts);
    expect(r.slides.map((s) => [s.slideId, s.label, s.extra.tumor])).toEqual([
      ["normal_002", "normal", 0],
      ["tumor_001", "tumor", 1],
    ]);
    expect(r.notes).toContain("CAMELYON16: 1 official test slide(s) (test_NNN) excluded");
    expect(r.notes.join(" ")).toMatch(/1 file\(s\) not named tumor_NNN\/normal_NNN ignored/);
  });
});

describe("CAMELYON17 adapter", () => {
  it("parses pN values the way the original does, node labels aside", () => {
    expect(["pN0", "pN0(i+)", "pN1mi", "pN1", "pN2", "pN3", "2", "negative", "macro"].map(parsePn)).toEqual([0, 0, 1, 1, 2, 3, 2, undefined, undefined]);
    expect(cam17PatientId("patient_4_node_2.tif")).toBe("patient_004");
  });
  it("reads the official stage CSV layout with centres from folders", async () => {
    const root = await tempDir();
    await writeTree(root, {
      "stage_labels.csv": "patient,stage\npatient_000.zip,pN1mi\npatient_000_node_0.tif,micro\npatient_000_node_1.tif,negative\npatient_001.zip,pN0\n",
      "center_0/patient_000_node_0.tif": "x",
      "center_0/patient_000_node_1.tif": "x",
      "center_1/patient_001_node_0.tif": "x",
      "center_1/patient_002_node_0.tif": "x",
    });
    const r = await camelyon17Adapter.read(root, opts);
    expect(r.slides.map((s) => [s.slideId, s.patientId, s.label, s.group, s.extra.node_label])).toEqual([
      ["patient_000_node_0", "patient_000", "pN1", "center_0", "micro"],
      ["patient_000_node_1", "patient_000", "pN1", "center_0", "negative"],
      ["patient_001_node_0", "patient_001", "pN0", "center_1", null],
      ["patient_002_node_0", "patient_002", null, "center_1", null],
    ]);
    expect(r.notes.join("\n")).toMatch(/1 slide\(s\) of patients without pN/);
  });
  it("takes the centre from a center column", async () => {
    const root = await tempDir();
    await writeTree(root, { "labels.csv": "patient,pN,center\npatient_007,pN2,3\n", "patient_007_node_4.tif": "x" });
    const [s] = (await camelyon17Adapter.read(root, opts)).slides;
    expect([s!.label, s!.group, s!.extra.center, s!.extra.node]).toEqual(["pN2", "center_3", 3, 4]);
  });
  it("names the CSV, its columns and the expected ones when no CSV fits", async () => {
    const root = await tempDir();
    await writeTree(root, { "stages.csv": "id,grade\n1,2\n", "patient_000_node_0.tif": "x" });
    await expect(camelyon17Adapter.read(root, opts)).rejects.toThrow(CsvColumnsError);
    await expect(camelyon17Adapter.read(root, opts)).rejects.toThrow(/stages\.csv: expected columns patient \(or case\), stage \(or pN\).*found id, grade/);
  });
});

describe("PANDA adapter", () => {
  it("reads train.csv with providers and per-provider mpp", async () => {
    const root = await tempDir();
    await writeTree(root, {
      "train.csv": "image_id,data_provider,isup_grade,gleason_score\na1,karolinska,0,0+0\nb2,radboud,4,4+4\nc3,radboud,9,x\nmissing,radboud,1,3+3\n",
      "train_images/a1.tiff": "x",
      "train_images/b2.tiff": "x",
      "train_images/c3.tiff": "x",
    });
    const r = await pandaAdapter.read(root, opts);
    expect(r.slides.map((s) => [s.slideId, s.group, s.label, s.fallbackMpp?.mpp])).toEqual([
      ["a1", "karolinska", "0", 0.452],
      ["b2", "radboud", "4", 0.486],
      ["c3", "radboud", null, 0.486],
    ]);
    expect(r.notes.join("\n")).toMatch(/1 image\(s\) listed in train.csv are missing/);
    expect(r.notes.join("\n")).toMatch(/1 row\(s\) with an isup_grade that is not 0–5/);
  });
  it("names missing and unknown columns", async () => {
    const root = await tempDir();
    await writeTree(root, { "train.csv": "image,provider,isup_grade,gleason_score\n" });
    await expect(pandaAdapter.read(root, opts)).rejects.toThrow(/train\.csv: expected columns image_id, data_provider, isup_grade, gleason_score; found image, provider.*missing image_id, data_provider; unknown image, provider/);
  });
  it("refuses image ids that escape the data folder", async () => {
    const root = await tempDir();
    const outside = await tempDir();
    await writeTree(outside, { "secret.tiff": "x" });
    await writeTree(root, { "train.csv": `image_id,data_provider,isup_grade,gleason_score\n../../${outside.split("/").pop()}/secret,radboud,1,3+3\n`, "train_images/.keep": "" });
    await expect(pandaAdapter.read(root, opts)).rejects.toThrow(/resolves outside the data folder/);
  });
  it("refuses a symlinked image that points outside the data folder", async () => {
    const root = await tempDir();
    const outside = await tempDir();
    await writeTree(outside, { "x.tiff": "x" });
    await writeTree(root, { "train.csv": "image_id,data_provider,isup_grade,gleason_score\nlink,radboud,1,3+3\n", "train_images/.keep": "" });
    await symlink(join(outside, "x.tiff"), join(root, "train_images", "link.tiff"));
    await expect(pandaAdapter.read(root, opts)).rejects.toThrow(ReproduceError);
  });
});

describe("discovery", () => {
  it("lays out roots like the original, with WSI_ROOT / PANDA_ROOT overrides", () => {
    const r = resolveDataRoots("/d", { pandaRoot: "/p" });
    expect(r).toEqual({ data: "/d", tcga: "/d/Raw Data/TCGA", camelyon16: "/d/Raw Data/CAMELYON16", camelyon17: "/d/Raw Data/CAMELYON17", panda: "/p" });
  });
  it("works with one dataset and lists the absent ones", async () => {
    const data = await tempDir();
    await writeTree(data, { "Raw Data/CAMELYON16/tumor_001.tif": "x" });
    const d = await discoverSlides(resolveDataRoots(data), opts);
    expect(d.results.map((r) => r.dataset)).toEqual(["camelyon16"]);
    expect(d.absent.map((a) => a.dataset)).toEqual(["tcga", "camelyon17", "panda"]);
    expect(d.notes.join("\n")).toMatch(/tcga: no folder at .*Raw Data\/TCGA; its stages will have no inputs/);
  });
  it("explains the expected layout when no dataset folder exists", async () => {
    const data = await tempDir();
    await expect(discoverSlides(resolveDataRoots(data), opts)).rejects.toThrow(/no dataset found under [\s\S]*Raw Data\/TCGA[\s\S]*Validation Data\/PANDA[\s\S]*--demo/);
    await expect(discoverSlides(resolveDataRoots(join(data, "nope")), opts)).rejects.toThrow(/data folder .*nope does not exist/);
  });
  it("refuses duplicate slide ids across datasets", async () => {
    const data = await tempDir();
    await writeTree(data, { "Raw Data/TCGA/BRCA/tumor_001.svs": "x", "Raw Data/CAMELYON16/tumor_001.tif": "x" });
    await expect(discoverSlides(resolveDataRoots(data), opts)).rejects.toThrow(/slide id tumor_001 occurs twice/);
  });
});
