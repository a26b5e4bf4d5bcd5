import { writeFileAtomic } from "../io/atomic";
import { formatCsv } from "../io/csv";
import { STAGE_NAMES } from "../types";
import type { Workspace } from "../workspace/layout";
import { FINAL_UNIT, readStageMarkers } from "./markers";

/** Columns of failures.csv. */
export const FAILURE_COLUMNS = ["stage", "slide_id", "path", "error", "finished_at"] as const;

/** One failed unit. */
export interface FailureRow {
  stage: string;
  slide_id: string;
  path: string;
  error: string;
  finished_at: string;
}

/** Every failed unit in the workspace, in stage order then slide id. */
export async function collectFailures(ws: Workspace): Promise<FailureRow[]> {
  const rows: FailureRow[] = [];
  for (const stage of STAGE_NAMES) {
    for (const m of (await readStageMarkers(ws, stage)).values()) {
      if (m.status !== "failed" || m.unit === FINAL_UNIT) continue;
      rows.push({ stage, slide_id: m.unit, path: m.slidePath ?? "", error: m.error ?? "", finished_at: m.finishedAt });
    }
  }
  return rows;
}

/**
 * Rewrites failures.csv from the markers (atomically). Built from the markers rather than appended,
 * so shard processes never interleave lines and a slide that later succeeds leaves the list.
 */
export async function writeFailuresCsv(ws: Workspace): Promise<number> {
  const rows = await collectFailures(ws);
  await writeFileAtomic(ws.failuresCsv, formatCsv(FAILURE_COLUMNS, rows as unknown as Record<string, unknown>[]));
  return rows.length;
}
