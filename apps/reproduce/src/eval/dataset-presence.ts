import { readStageMarkers } from "../runner/markers";
import type { StageContext } from "../runner/stage";
import type { DatasetName } from "../types";

/**
 * "not applicable" when the manifest has slides but none of `dataset` (a data folder with only some
 * datasets is normal); undefined otherwise (including when there is no manifest yet).
 */
export async function datasetAbsent(ctx: StageContext, dataset: DatasetName): Promise<string | undefined> {
  const manifest = await readStageMarkers(ctx.ws, "manifest");
  if (manifest.size === 0) return undefined;
  for (const m of manifest.values()) if (m.row?.dataset === dataset) return undefined;
  return `no ${dataset.toUpperCase()} slides in this data folder`;
}
