import { readStageMarkers, type UnitMarker } from "../runner/markers";
import { inShard } from "../runner/shard";
import type { StageContext, StagePlan, Unit } from "../runner/stage";
import type { DatasetName } from "../types";

/** A manifest row as stages read it back (see the manifest stage for the columns). */
export type ManifestRow = Record<string, string | number | null> & { slide_id: string; dataset: DatasetName; path: string };

/** A unit that is one slide, with its manifest row and the upstream markers it depends on. */
export interface SlideUnit extends Unit {
  slide: ManifestRow;
  upstream: Record<string, UnitMarker>;
}

/** Options of {@link planSlideUnits}. */
export interface PlanSlidesOptions {
  /** Only slides of these datasets. @default all */
  datasets?: readonly DatasetName[];
  /** Upstream per-slide stages (besides the manifest) whose done marker each slide needs. */
  needs?: readonly string[];
  /** Extra filter on the manifest row and upstream markers (e.g. QC policy); return a reason to drop. */
  drop?: (slide: ManifestRow, upstream: Record<string, UnitMarker>) => string | undefined;
}

/**
 * Plans one unit per slide from the manifest's slide markers (so it works in shard processes, before
 * the manifest table exists): keeps this shard's slides of the wanted datasets whose upstream stages
 * are done; the unit's inputs are the upstream fingerprints.
 */
export async function planSlideUnits(ctx: StageContext, options: PlanSlidesOptions = {}): Promise<StagePlan<SlideUnit> & { dropped: Map<string, string> }> {
  const { datasets, needs = [] } = options;
  const manifest = await readStageMarkers(ctx.ws, "manifest");
  const upstreamMaps = await Promise.all(needs.map((s) => readStageMarkers(ctx.ws, s)));
  const units: SlideUnit[] = [];
  const dropped = new Map<string, string>();
  let missing = 0;
  let anyInDataset = false;
  const missingFrom = new Set<string>();
  for (const m of manifest.values()) {
    if (m.status !== "done" || !m.row) continue;
    const slide = m.row as ManifestRow;
    if (datasets && !datasets.includes(slide.dataset)) continue;
    anyInDataset = true;
    if (!inShard(slide.slide_id, ctx.config.shard)) continue;
    const upstream: Record<string, UnitMarker> = { manifest: m };
    let ok = true;
    needs.forEach((stage, i) => {
      const u = upstreamMaps[i]!.get(slide.slide_id);
      if (u && u.status === "done") upstream[stage] = u;
      else {
        ok = false;
        if (!u) missingFrom.add(stage);
      }
    });
    const droppedUpstream = Object.values(upstream).find((u) => u.row && typeof u.row.dropped === "string");
    if (ok && droppedUpstream) {
      dropped.set(slide.slide_id, `${droppedUpstream.stage}: ${String(droppedUpstream.row!.dropped)}`);
      continue;
    }
    if (!ok) {
      if (!needs.some((s) => upstreamMaps[needs.indexOf(s)]!.get(slide.slide_id)?.status === "failed")) missing++;
      continue;
    }
    const reason = options.drop?.(slide, upstream);
    if (reason) {
      dropped.set(slide.slide_id, reason);
      continue;
    }
    units.push({ id: slide.slide_id, inputs: Object.entries(upstream).map(([s, u]) => `${s}:${u.fingerprint}`).join("|"), slidePath: slide.path, slide, upstream });
  }
  const plan: StagePlan<SlideUnit> & { dropped: Map<string, string> } = {
    units,
    missing,
    inputs: ["hashes/manifest/", ...needs.map((s) => `hashes/${s}/`)],
    dropped,
  };
  if (manifest.size === 0) {
    plan.missing = Math.max(1, missing);
    plan.missingReason = "no manifest yet: run the manifest stage";
  } else if (!anyInDataset && datasets) plan.notApplicable = `no ${datasets.join("/")} slides in this cohort`;
  else if (missingFrom.size) plan.missingReason = `waiting for ${[...missingFrom].join(", ")}`;
  return plan;
}
