import { basename, extname, join } from "node:path";
import type { AdapterResult, DatasetAdapter, SlideEntry } from "./types";
import { isSlideFile, listFiles } from "./paths";

/** The parts of a TCGA barcode the pipeline uses. */
export interface TcgaBarcode {
  /** `TCGA-XX-YYYY`: the patient. */
  patientId: string;
  /** `XX`: the tissue source site (the CV group, so one site never sits in both train and test). */
  tissueSourceSite: string;
  /** `01`…: sample type (01 primary tumour, 11 normal tissue), if present. */
  sampleType: string | null;
}

const BARCODE = /^TCGA-([A-Z0-9]{2})-([A-Z0-9]{4})(?:-(\d{2})[A-Z]?)?/i;

/** Parses a TCGA barcode at the start of a slide id; undefined if the id is not a TCGA barcode. */
export function parseTcgaBarcode(slideId: string): TcgaBarcode | undefined {
  const m = BARCODE.exec(slideId);
  if (!m) return undefined;
  const tss = m[1]!.toUpperCase();
  return { patientId: `TCGA-${tss}-${m[2]!.toUpperCase()}`, tissueSourceSite: tss, sampleType: m[3] ?? null };
}

/**
 * TCGA: `<root>/<cancer_code>/…/<barcode>.svs`. The cancer code is the first folder under the root
 * (the original's only TCGA label source); patient and tissue source site come from the barcode.
 */
export const tcgaAdapter: DatasetAdapter = {
  dataset: "tcga",
  defaultSubdir: join("Raw Data", "TCGA"),
  async read(root): Promise<AdapterResult> {
    const notes: string[] = [];
    const slides: SlideEntry[] = [];
    let atRoot = 0;
    let noBarcode = 0;
    for (const rel of await listFiles(root)) {
      if (!isSlideFile(rel)) continue;
      const parts = rel.split("/");
      if (parts.length < 2) {
        atRoot++;
        continue;
      }
      const cancerCode = parts[0]!;
      const slideId = basename(rel, extname(rel));
      const barcode = parseTcgaBarcode(slideId);
      if (!barcode) noBarcode++;
      slides.push({
        slideId,
        dataset: "tcga",
        path: join(root, rel),
        patientId: barcode?.patientId ?? slideId,
        group: barcode?.tissueSourceSite ?? null,
        label: cancerCode,
        extra: { cancer_code: cancerCode, tss: barcode?.tissueSourceSite ?? null, sample_type: barcode?.sampleType ?? null },
      });
    }
    if (atRoot) notes.push(`TCGA: ${atRoot} slide(s) directly in ${root} ignored: put each under <cancer_code>/ (the folder name is the label)`);
    if (noBarcode) notes.push(`TCGA: ${noBarcode} slide(s) without a TCGA barcode: patient = slide id, no tissue source site (left out of site-grouped CV)`);
    return { dataset: "tcga", root, slides, notes };
  },
};
