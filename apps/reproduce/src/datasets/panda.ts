import { access, readFile } from "node:fs/promises";
import { join } from "node:path";
import { CsvColumnsError, ReproduceError } from "../errors";
import { parseCsv } from "../io/csv";
import type { AdapterOptions, AdapterResult, DatasetAdapter, SlideEntry } from "./types";
import { resolveInside } from "./paths";

/** The columns of PANDA's train.csv. */
export const PANDA_COLUMNS = ["image_id", "data_provider", "isup_grade", "gleason_score"] as const;

/**
 * PANDA: `train.csv` (image_id, data_provider, isup_grade, gleason_score) and
 * `train_images/<image_id>.tiff`. The provider is the CV stratum and group; files without mpp get the
 * provider's declared mpp (option `pandaProviderMpp`), recorded as such in the manifest.
 */
export const pandaAdapter: DatasetAdapter = {
  dataset: "panda",
  defaultSubdir: join("Validation Data", "PANDA"),
  async read(root: string, options: AdapterOptions): Promise<AdapterResult> {
    const csvPath = join(root, "train.csv");
    let text: string;
    try {
      text = await readFile(csvPath, "utf8");
    } catch {
      throw new ReproduceError("data-layout", `PANDA: ${csvPath} not found (expected train.csv with ${PANDA_COLUMNS.join(", ")})`, { path: csvPath });
    }
    const table = parseCsv(text);
    const missing = PANDA_COLUMNS.filter((c) => !table.header.includes(c));
    if (missing.length) {
      const unknown = table.header.filter((h) => !(PANDA_COLUMNS as readonly string[]).includes(h));
      throw new CsvColumnsError(csvPath, table.header, [...PANDA_COLUMNS], `missing ${missing.join(", ")}${unknown.length ? `; unknown ${unknown.join(", ")}` : ""}`);
    }
    const slides: SlideEntry[] = [];
    let absent = 0;
    let badGrade = 0;
    for (const row of table.rows) {
      const id = row.image_id!.trim();
      if (!id) continue;
      const path = await resolveInside(root, join("train_images", `${id}.tiff`), csvPath);
      try {
        await access(path);
      } catch {
        absent++;
        continue;
      }
      const grade = Number(row.isup_grade);
      const validGrade = row.isup_grade!.trim() !== "" && Number.isInteger(grade) && grade >= 0 && grade <= 5;
      if (!validGrade) badGrade++;
      const provider = row.data_provider!.trim().toLowerCase();
      const mpp = options.pandaProviderMpp[provider];
      slides.push({
        slideId: id,
        dataset: "panda",
        path,
        patientId: id,
        group: provider || null,
        label: validGrade ? String(grade) : null,
        extra: { isup_grade: validGrade ? grade : null, gleason_score: row.gleason_score!.trim() || null, data_provider: provider || null },
        ...(mpp === undefined ? {} : { fallbackMpp: { mpp, source: `provider:${provider}` } }),
      });
    }
    const notes: string[] = [];
    if (absent) notes.push(`PANDA: ${absent} image(s) listed in train.csv are missing from train_images/ (skipped)`);
    if (badGrade) notes.push(`PANDA: ${badGrade} row(s) with an isup_grade that is not 0–5 (kept, unlabelled)`);
    return { dataset: "panda", root, slides, notes };
  },
};
