import { hash32, Rng } from "../random";
import type { CohortPreset, SlideJob } from "./types";

/** TCGA project code → tissue class of its tumour. */
export const tcgaClasses: Readonly<Record<string, string>> = {
  BRCA: "ductal",
  LUAD: "adenocarcinoma",
  KIRC: "clear-cell",
  COAD: "colonic",
  LUSC: "squamous",
};

const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

function code(rng: Rng, n: number): string {
  let s = "";
  for (let i = 0; i < n; i++) s += ALNUM[rng.int(0, ALNUM.length - 1)];
  return s;
}

/** A deterministic upper-case UUID (version-4 layout). */
export function seededUuid(rng: Rng): string {
  const hex = Array.from({ length: 32 }, () => "0123456789ABCDEF"[rng.int(0, 15)]).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${"89AB"[rng.int(0, 3)]}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * TCGA-like slides: `Raw Data/TCGA/<code>/TCGA-<TSS>-<patient>-01Z-00-DX<n>.<UUID>.svs`. Each code has
 * one to three tissue source sites, each shared by at least two patients (a site is one staining centre), and
 * some patients have two slides, so patient-grouped validation matters.
 */
export function tcgaJobs(preset: CohortPreset): SlideJob[] {
  const rng = new Rng(hash32(preset.seed, 101));
  const jobs: SlideJob[] = [];
  const usedTss = new Set<string>();
  let slideNo = 0;
  for (const [codeIndex, cancer] of preset.tcga.codes.entries()) {
    const tissueClass = tcgaClasses[cancer];
    if (!tissueClass) throw new RangeError(`no tissue class for TCGA code ${cancer}`);
    const sites: string[] = [];
    const nSites = Math.max(1, Math.min(3, Math.floor(preset.tcga.patientsPerCode / 2)));
    while (sites.length < nSites) {
      const s = code(rng, 2);
      if (!usedTss.has(s)) {
        usedTss.add(s);
        sites.push(s);
      }
    }
    for (let p = 0; p < preset.tcga.patientsPerCode; p++) {
      const tss = sites[p % sites.length] as string;
      const patient = code(rng, 4);
      // A site is one staining centre; centres rotate across codes so that each centre serves
      // several codes (with ≥ 2 sites per code) and colour alone does not give the code away.
      const center = (codeIndex + (p % sites.length)) % 5;
      const slides = p < preset.tcga.patientsWithTwoSlides ? 2 : 1;
      for (let dx = 1; dx <= slides; dx++) {
        slideNo++;
        const barcode = `TCGA-${tss}-${patient}-01Z-00-DX${dx}`;
        const name = `${barcode}.${seededUuid(rng)}.svs`;
        const fortyX = slideNo % preset.tcga.fortyXEvery === 0;
        const [w, h] = preset.tcga.sizeUm;
        // 40x slides cover half the width and height, so their pixel count stays comparable.
        const size: [number, number] = fortyX ? [w * 0.6, h * 0.6] : [w, h];
        jobs.push({
          dataset: "TCGA",
          relPath: `Raw Data/TCGA/${cancer}/${name}`,
          options: {
            widthUm: size[0],
            heightUm: size[1],
            mpp: fortyX ? 0.25 : 0.5,
            tissueClass: { [tissueClass]: 0.75, stroma: 0.15, inflamed: 0.1 },
            center,
            pen: rng.next() < 0.2 ? 1 : 0,
            blur: rng.next() < 0.15 ? 1 : 0,
            folds: rng.next() < 0.15 ? 1 : 0,
            format: "svs",
            seed: `${preset.seed}:${name}`,
          },
          labels: { cancer_code: cancer, patient: `TCGA-${tss}-${patient}`, tissue_source_site: tss, center },
        });
      }
    }
  }
  return jobs;
}
