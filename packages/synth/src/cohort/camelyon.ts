import { hash32, Rng } from "../random";
import type { LesionTruth } from "../types";
import type { CohortPreset, SlideJob } from "./types";

const pad3 = (n: number) => String(n).padStart(3, "0");
const NODE_TISSUE = { lymphoid: 0.85, stroma: 0.15 };

/** CAMELYON16-like: `Raw Data/CAMELYON16/tumor_NNN.tif` (with metastases) and `normal_NNN.tif`. */
export function camelyon16Jobs(preset: CohortPreset): SlideJob[] {
  const rng = new Rng(hash32(preset.seed, 216));
  const c = preset.camelyon16;
  const jobs: SlideJob[] = [];
  const add = (kind: "tumor" | "normal", i: number) => {
    const name = `${kind}_${pad3(i)}.tif`;
    const r = Math.min(...c.sizeUm) / 2;
    const lesions = kind === "tumor" ? Array.from({ length: rng.int(1, 3) }, () => ({ tissueClass: "carcinoma", radiusUm: r * rng.range(0.08, 0.4) })) : [];
    jobs.push({
      dataset: "CAMELYON16",
      relPath: `Raw Data/CAMELYON16/${name}`,
      options: {
        widthUm: c.sizeUm[0],
        heightUm: c.sizeUm[1],
        mpp: c.mpp,
        tissueClass: NODE_TISSUE,
        lesions,
        center: i % 2 === 0 ? 0 : 1,
        pen: rng.next() < 0.15 ? 1 : 0,
        format: "tiff",
        seed: `${preset.seed}:${name}`,
      },
      labels: { label: kind, center: i % 2 === 0 ? 0 : 1 },
    });
  };
  for (let i = 1; i <= c.tumor; i++) add("tumor", i);
  for (let i = 1; i <= c.normal; i++) add("normal", i);
  return jobs;
}

/** CAMELYON17 node categories, by the largest metastasis diameter. */
export type NodeCategory = "negative" | "itc" | "micro" | "macro";

/** Node label from lesion diameters: ITC < 0.2 mm, micro 0.2–2 mm, macro > 2 mm. */
export function nodeCategory(lesions: readonly Pick<LesionTruth, "maxDiameterUm">[]): NodeCategory {
  const d = Math.max(0, ...lesions.map((l) => l.maxDiameterUm));
  if (d === 0) return "negative";
  if (d < 200) return "itc";
  if (d <= 2000) return "micro";
  return "macro";
}

/** pN stage from node categories (CAMELYON17 rules for up to 5 nodes). */
export function pnStage(nodes: readonly NodeCategory[]): string {
  const macro = nodes.filter((n) => n === "macro").length;
  const positive = nodes.filter((n) => n === "macro" || n === "micro").length;
  if (positive === 0) return nodes.includes("itc") ? "pN0(i+)" : "pN0";
  if (macro === 0) return "pN1mi";
  return positive >= 4 ? "pN2" : "pN1";
}

const LESION_RADIUS: Record<NodeCategory, [number, number] | undefined> = {
  negative: undefined,
  itc: [40, 65],
  micro: [150, 550],
  macro: [1060, 1300],
};

/** Stage each successive patient is planned for (cycled), so even small cohorts cover several stages. */
const STAGE_CYCLE = ["pN1", "pN0", "pN1mi", "pN0(i+)", "pN2"] as const;

/** Node categories that realise a pN stage with `n` nodes (pN2 needs 4 positive nodes: falls back to pN1). */
function nodesFor(stage: (typeof STAGE_CYCLE)[number], n: number, rng: Rng): NodeCategory[] {
  const cats: NodeCategory[] = Array.from({ length: n }, () => "negative");
  const set = (k: number, c: NodeCategory) => (cats[Math.min(k, n - 1)] = c);
  if (stage === "pN0(i+)") set(0, "itc");
  if (stage === "pN1mi") {
    set(0, "micro");
    if (n > 2) set(1, "itc");
  }
  if (stage === "pN1" || (stage === "pN2" && n < 4)) {
    set(0, "macro");
    if (n > 2) set(1, "micro");
  }
  if (stage === "pN2" && n >= 4) ["macro", "macro", "micro", "micro"].forEach((c, k) => set(k, c as NodeCategory));
  // Shuffle so node 0 is not always the positive one.
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [cats[i], cats[j]] = [cats[j] as NodeCategory, cats[i] as NodeCategory];
  }
  return cats;
}

/**
 * CAMELYON17-like: `Raw Data/CAMELYON17/patient_NNN_node_K.tif`, patients spread over centres 0–4.
 * Patients are planned for stages in turn (pN1, pN0, pN1mi, pN0(i+), pN2) and their nodes as
 * negative / ITC / micro / macro; the stage CSV is written from the measured lesion sizes after
 * rendering (see `camelyon17Csv`), so it is true even where a planned size is not reached.
 */
export function camelyon17Jobs(preset: CohortPreset): SlideJob[] {
  const rng = new Rng(hash32(preset.seed, 217));
  const c = preset.camelyon17;
  const jobs: SlideJob[] = [];
  const maxR = Math.min(...c.sizeUm) * 0.45;
  for (let p = 0; p < c.patients; p++) {
    const center = p % 5;
    const planned = nodesFor(STAGE_CYCLE[p % STAGE_CYCLE.length] as (typeof STAGE_CYCLE)[number], c.nodesPerPatient, rng);
    for (let k = 0; k < c.nodesPerPatient; k++) {
      const range = LESION_RADIUS[planned[k] as NodeCategory];
      const name = `patient_${pad3(p)}_node_${k}.tif`;
      jobs.push({
        dataset: "CAMELYON17",
        relPath: `Raw Data/CAMELYON17/${name}`,
        options: {
          widthUm: c.sizeUm[0],
          heightUm: c.sizeUm[1],
          mpp: c.mpp,
          tissueClass: NODE_TISSUE,
          lesions: range ? [{ tissueClass: "carcinoma", radiusUm: Math.min(maxR, rng.range(range[0], range[1])) }] : [],
          center,
          pen: rng.next() < 0.1 ? 1 : 0,
          format: "tiff",
          seed: `${preset.seed}:${name}`,
        },
        labels: { patient: `patient_${pad3(p)}`, node: k, center },
      });
    }
  }
  return jobs;
}

/** `stage_labels.csv`: one row per patient (`patient_NNN.zip`, pN stage) and per node (file, category), with centre. */
export function camelyon17Csv(rows: { job: SlideJob; lesions: LesionTruth[] }[]): string {
  const byPatient = new Map<string, { center: number; nodes: { file: string; cat: NodeCategory }[] }>();
  for (const { job, lesions } of rows) {
    const patient = String(job.labels.patient);
    const entry = byPatient.get(patient) ?? { center: Number(job.labels.center), nodes: [] };
    entry.nodes.push({ file: job.relPath.split("/").pop() as string, cat: nodeCategory(lesions) });
    byPatient.set(patient, entry);
  }
  const lines = ["patient,stage,center"];
  for (const [patient, { center, nodes }] of [...byPatient.entries()].sort()) {
    lines.push(`${patient}.zip,${pnStage(nodes.map((n) => n.cat))},${center}`);
    for (const n of nodes) lines.push(`${n.file},${n.cat},${center}`);
  }
  return `${lines.join("\n")}\n`;
}
