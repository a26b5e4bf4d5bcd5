import { StatsInputError } from "../validate";

const PATIENT = /TCGA-[A-Z0-9]{2}-[A-Z0-9]{4}/;
const TSS = /TCGA-([A-Z0-9]{2})-/;

/** TCGA patient barcode (`TCGA-XX-XXXX`) inside a slide id or barcode (upper-cased first); throws if absent. */
export function tcgaPatientId(barcode: string): string {
  const m = PATIENT.exec(barcode.toUpperCase());
  if (!m) throw new StatsInputError(`tcgaPatientId: "${barcode}" contains no TCGA-XX-XXXX patient barcode`, "INVALID");
  return m[0];
}

/** Tissue-source-site code (the 2 characters after `TCGA-`), the grouping unit of the TCGA CV; throws if absent. */
export function tcgaTissueSourceSite(barcode: string): string {
  const m = TSS.exec(barcode.toUpperCase());
  if (!m) throw new StatsInputError(`tcgaTissueSourceSite: "${barcode}" has no TCGA-XX- tissue-source-site code`, "INVALID");
  return m[1] as string;
}

/** How slide vectors of one patient (or one CAMELYON17 patient's nodes) are combined. */
export type Reduce = "mean" | "max";

/** Patient-level table built from slide-level rows. */
export interface PatientTable {
  /** Patient ids in first-seen order. */
  patients: string[];
  /** One vector per patient. */
  vectors: Float64Array[];
  /** Slide indices of each patient. */
  slides: number[][];
}

/**
 * Aggregates slide vectors per patient (NB07: mean over a TCGA patient's slides; NB09: element-wise max over
 * a CAMELYON17 patient's nodes). `patientOf` maps a slide id to its patient (e.g. {@link tcgaPatientId}).
 */
export function aggregateByPatient(slideIds: readonly string[], vectors: ReadonlyArray<ArrayLike<number>>, patientOf: (slideId: string) => string, reduce: Reduce = "mean"): PatientTable {
  if (slideIds.length !== vectors.length) throw new StatsInputError(`aggregateByPatient: ${slideIds.length} slide ids for ${vectors.length} vectors`, "LENGTH_MISMATCH");
  if (reduce !== "mean" && reduce !== "max") throw new StatsInputError(`aggregateByPatient: unknown reduce "${String(reduce)}"`, "INVALID");
  const index = new Map<string, number>();
  const patients: string[] = [];
  const slides: number[][] = [];
  slideIds.forEach((id, i) => {
    const p = patientOf(id);
    let k = index.get(p);
    if (k === undefined) {
      k = patients.length;
      index.set(p, k);
      patients.push(p);
      slides.push([]);
    }
    (slides[k] as number[]).push(i);
  });
  const d = vectors.length ? (vectors[0] as ArrayLike<number>).length : 0;
  const out = slides.map((members) => {
    const v = new Float64Array(d).fill(reduce === "max" ? Number.NEGATIVE_INFINITY : 0);
    for (const i of members) {
      const row = vectors[i] as ArrayLike<number>;
      if (row.length !== d) throw new StatsInputError(`aggregateByPatient: slide ${slideIds[i]} has ${row.length} values, expected ${d}`, "LENGTH_MISMATCH");
      for (let j = 0; j < d; j++) {
        const x = row[j] as number;
        if (!Number.isFinite(x)) throw new StatsInputError(`aggregateByPatient: slide ${slideIds[i]} has a non-finite value at ${j}`, "NOT_FINITE");
        v[j] = reduce === "max" ? Math.max(v[j] as number, x) : (v[j] as number) + x;
      }
    }
    if (reduce === "mean") for (let j = 0; j < d; j++) v[j]! /= members.length;
    return v;
  });
  return { patients, vectors: out, slides };
}
