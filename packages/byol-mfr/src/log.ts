import { appendFile, mkdir, readFile } from "node:fs/promises";
import path from "node:path";
import { writeFileAtomic } from "@osfm/nn";
import type { Phase } from "./types";

/** One training-log row (SPEC §6.7, written to JSONL and CSV together). */
export interface LogRow {
  /** ISO time. */
  ts: string;
  phase: Phase;
  /** 1-based epoch number over both phases (phase 1: 1–2, phase 2: 3–4 by default). */
  epoch: number;
  /** Optimizer steps taken in this phase. */
  step: number;
  /** lr of the aggregator group at this step. */
  lr: number;
  /** Means over the optimizer steps since the previous row. */
  loss: number;
  loss_byol: number;
  loss_mfr: number;
  /** Phase 1: student tokens per second (both views); phase 2: tiles per second. */
  tokens_per_s: number | null;
  tiles_per_s: number | null;
  /** Resident set size of the process, MiB. */
  rss_mb: number;
}

export const LOG_COLUMNS = ["ts", "phase", "epoch", "step", "lr", "loss", "loss_byol", "loss_mfr", "tokens_per_s", "tiles_per_s", "rss_mb"] as const;

/** File names of the log inside its folder. */
export const LOG_FILES = { jsonl: "train_log.jsonl", csv: "train_log.csv" } as const;

const csvLine = (row: LogRow) => LOG_COLUMNS.map((c) => (row[c] === null ? "" : String(row[c]))).join(",");

/**
 * The training log: every row is appended to `train_log.jsonl` and `train_log.csv` in the same call, so
 * the two never disagree and the diagnostics can read either.
 */
export class TrainingLog {
  readonly jsonlPath: string;
  readonly csvPath: string;
  constructor(readonly dir: string) {
    this.jsonlPath = path.join(dir, LOG_FILES.jsonl);
    this.csvPath = path.join(dir, LOG_FILES.csv);
  }

  /** Rows written so far (from the JSONL file). */
  async rows(): Promise<LogRow[]> {
    return readLogRows(this.jsonlPath);
  }

  /**
   * Starts or continues the log: keeps only rows up to the checkpoint being resumed from (phase, step),
   * so steps re-run after a kill are not logged twice; both files are rewritten atomically.
   */
  async open(keepUpTo: { phase: Phase; step: number } | undefined): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const rows = keepUpTo ? (await this.rows()).filter((r) => r.phase < keepUpTo.phase || (r.phase === keepUpTo.phase && r.step <= keepUpTo.step)) : [];
    await writeFileAtomic(this.jsonlPath, [new TextEncoder().encode(rows.map((r) => `${JSON.stringify(r)}\n`).join(""))]);
    const csv = `${LOG_COLUMNS.join(",")}\n${rows.map((r) => `${csvLine(r)}\n`).join("")}`;
    await writeFileAtomic(this.csvPath, [new TextEncoder().encode(csv)]);
  }

  /** Appends one row to both files. */
  async append(row: LogRow): Promise<void> {
    await appendFile(this.jsonlPath, `${JSON.stringify(row)}\n`);
    await appendFile(this.csvPath, `${csvLine(row)}\n`);
  }
}

/** Reads a JSONL training log (missing file → no rows). */
export async function readLogRows(file: string): Promise<LogRow[]> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    return [];
  }
  return text.split("\n").filter((l) => l.trim() !== "").map((l) => JSON.parse(l) as LogRow);
}
