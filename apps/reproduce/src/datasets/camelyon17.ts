import { readFile } from "node:fs/promises";
import { basename, extname, join } from "node:path";
import { CsvColumnsError, ReproduceError } from "../errors";
import { parseCsv, type CsvTable } from "../io/csv";
import type { AdapterResult, DatasetAdapter, SlideEntry } from "./types";
import { isSlideFile, listFiles } from "./paths";

/**
 * pN stage as an integer: "pN0", "pN0(i+)" → 0, "pN1mi", "pN1" → 1, "pN2" → 2, "pN3" → 3, "pN4" → 4,
 * and the bare digits "0"–"4". Node-level labels (negative/itc/micro/macro) give undefined.
 */
export function parsePn(text: string): number | undefined {
  const s = text.trim().toLowerCase();
  const m = /pn\s*([0-4])/.exec(s) ?? /^([0-4])$/.exec(s);
  return m ? Number(m[1]) : undefined;
}

/** `patient_000`, `patient-7.zip`, `patient_012_node_3.tif` → `patient_000` / `patient_007` / `patient_012`. */
export function cam17PatientId(text: string): string | undefined {
  const m = /patient[_-]?(\d+)/i.exec(text);
  return m ? `patient_${m[1]!.padStart(3, "0")}` : undefined;
}

const KEY = ["patient", "case"];
const STAGE = ["pn", "stage", "pn_stage"];
const CENTER = ["center", "centre", "center_id", "centerid", "centre_id"];

function column(header: string[], names: string[]): string | undefined {
  return header.find((h) => names.includes(h.toLowerCase()));
}

interface StageCsv {
  path: string;
  table: CsvTable;
  key: string;
  stage: string;
  center: string | undefined;
}

async function findStageCsv(root: string, files: string[]): Promise<StageCsv> {
  const csvs = files.filter((f) => f.toLowerCase().endsWith(".csv")).sort((a, b) => basename(a).length - basename(b).length || (a < b ? -1 : 1));
  if (csvs.length === 0)
    throw new ReproduceError("data-layout", `CAMELYON17: no stage CSV under ${root} (expected a CSV with columns patient, stage or pN, and optionally center)`, { path: root });
  const seen: string[] = [];
  for (const rel of csvs) {
    const path = join(root, rel);
    const table = parseCsv(await readFile(path, "utf8"));
    const key = column(table.header, KEY);
    const stage = column(table.header, STAGE);
    if (key && stage) return { path, table, key, stage, center: column(table.header, CENTER) };
    seen.push(`${rel} [${table.header.join(", ")}]`);
  }
  throw new CsvColumnsError(join(root, csvs[0]!), parseCsv(await readFile(join(root, csvs[0]!), "utf8")).header, ["patient (or case)", "stage (or pN)", "center (optional)"], `CSVs looked at: ${seen.join("; ")}`);
}

/**
 * CAMELYON17: `patient_NNN_node_K.tif` slides and the stage CSV (patient-level pN rows like
 * `patient_000.zip,pN1mi`, node-level rows like `patient_000_node_0.tif,micro`). The centre comes from a
 * `center` column, else from a `center_K` folder in the slide's path, else it is unknown (-1, noted).
 */
export const camelyon17Adapter: DatasetAdapter = {
  dataset: "camelyon17",
  defaultSubdir: join("Raw Data", "CAMELYON17"),
  async read(root): Promise<AdapterResult> {
    const files = await listFiles(root);
    const csv = await findStageCsv(root, files);
    const pn = new Map<string, number>();
    const nodeLabel = new Map<string, string>();
    const center = new Map<string, number>();
    let unparsed = 0;
    for (const row of csv.table.rows) {
      const key = row[csv.key] ?? "";
      const patient = cam17PatientId(key);
      if (!patient) continue;
      const value = row[csv.stage] ?? "";
      const node = /node[_-]?(\d+)/i.exec(key);
      if (node) nodeLabel.set(`${patient}_node_${node[1]}`, value.trim().toLowerCase());
      else {
        const stage = parsePn(value);
        if (stage === undefined) unparsed++;
        else pn.set(patient, stage);
      }
      const c = csv.center ? /(\d+)/.exec(row[csv.center] ?? "") : null;
      if (c) center.set(patient, Number(c[1]));
    }
    const slides: SlideEntry[] = [];
    let unlabelled = 0;
    let noCenter = 0;
    let other = 0;
    for (const rel of files) {
      if (!isSlideFile(rel)) continue;
      const slideId = basename(rel, extname(rel));
      const m = /^(patient[_-]?\d+)[_-]node[_-]?(\d+)$/i.exec(slideId);
      if (!m) {
        other++;
        continue;
      }
      const patient = cam17PatientId(m[1]!)!;
      const stage = pn.get(patient);
      if (stage === undefined) unlabelled++;
      const folderCenter = /cent(?:er|re)[_-]?(\d+)/i.exec(rel);
      const c = center.get(patient) ?? (folderCenter ? Number(folderCenter[1]) : undefined);
      if (c === undefined) noCenter++;
      slides.push({
        slideId,
        dataset: "camelyon17",
        path: join(root, rel),
        patientId: patient,
        group: c === undefined ? null : `center_${c}`,
        label: stage === undefined ? null : `pN${stage}`,
        extra: { pn: stage ?? null, node: Number(m[2]), node_label: nodeLabel.get(`${patient}_node_${m[2]}`) ?? null, center: c ?? -1 },
      });
    }
    const notes = [`CAMELYON17: stage CSV ${csv.path} (${pn.size} patients with pN)`];
    if (unparsed) notes.push(`CAMELYON17: ${unparsed} patient row(s) with a stage that is not a pN value`);
    if (unlabelled) notes.push(`CAMELYON17: ${unlabelled} slide(s) of patients without pN (kept, not used for staging)`);
    if (noCenter) notes.push(`CAMELYON17: ${noCenter} slide(s) without a centre (no center column or center_K folder): centre -1`);
    if (other) notes.push(`CAMELYON17: ${other} file(s) not named patient_NNN_node_K ignored`);
    return { dataset: "camelyon17", root, slides, notes };
  },
};
