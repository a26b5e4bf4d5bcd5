import { rm } from "node:fs/promises";
import type { Workspace } from "../workspace/layout";
import { writeFailuresCsv } from "./failures";
import { readStageMarkers } from "./markers";

/**
 * Removes what a stage wrote (every output its markers list) and its markers, so the next run redoes
 * it; downstream stages then see their inputs as missing or stale. Returns the number of files removed.
 */
export async function cleanStage(ws: Workspace, stage: string): Promise<number> {
  const markers = await readStageMarkers(ws, stage);
  let removed = 0;
  for (const m of markers.values())
    for (const rel of m.outputs) {
      await rm(ws.path(rel), { recursive: true, force: true });
      removed++;
    }
  await rm(ws.markerDir(stage), { recursive: true, force: true });
  await writeFailuresCsv(ws);
  return removed;
}
