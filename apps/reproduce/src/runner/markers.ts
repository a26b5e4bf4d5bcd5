import { access, readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import { writeJsonAtomic } from "../io/atomic";
import type { Workspace } from "../workspace/layout";

/** The record a stage leaves for each unit it finished: proof of done work, and its small results. */
export interface UnitMarker {
  stage: string;
  unit: string;
  /** Hash of the stage version, its settings and the unit's input fingerprints. */
  fingerprint: string;
  status: "done" | "failed";
  /** Files written, relative to the workspace. */
  outputs: string[];
  counts: Record<string, number>;
  /** A small result row (e.g. a slide's QC metrics) that the stage's cohort table is built from. */
  row?: Record<string, unknown>;
  error?: string;
  slidePath?: string;
  seconds: number;
  finishedAt: string;
}

/** Unit id of the cohort-level step of a per-slide stage (builds its table from the slide markers). */
export const FINAL_UNIT = "_cohort";

/** Reads one marker; undefined if absent or unreadable (a half-written marker cannot exist: writes are atomic). */
export async function readMarker(ws: Workspace, stage: string, unit: string): Promise<UnitMarker | undefined> {
  try {
    return JSON.parse(await readFile(ws.marker(stage, unit), "utf8")) as UnitMarker;
  } catch {
    return undefined;
  }
}

/** Writes a marker atomically. Written last, after every output of the unit, so a marker always means the outputs are whole. */
export async function writeMarker(ws: Workspace, marker: UnitMarker): Promise<void> {
  await writeJsonAtomic(ws.marker(marker.stage, marker.unit), marker);
}

/** Every marker of a stage, by unit id (the cohort step's marker included under {@link FINAL_UNIT}). */
export async function readStageMarkers(ws: Workspace, stage: string): Promise<Map<string, UnitMarker>> {
  const out = new Map<string, UnitMarker>();
  let names: string[];
  try {
    names = await readdir(ws.markerDir(stage));
  } catch {
    return out;
  }
  names.sort();
  await Promise.all(
    names
      .filter((n) => n.endsWith(".json") && !n.startsWith("."))
      .map(async (n) => {
        try {
          const m = JSON.parse(await readFile(join(ws.markerDir(stage), n), "utf8")) as UnitMarker;
          out.set(m.unit, m);
        } catch {
          // unreadable marker: treated as absent, the unit is redone
        }
      }),
  );
  return out;
}

/** True when every output a marker lists still exists (someone may have deleted files by hand). */
export async function outputsExist(ws: Workspace, marker: UnitMarker): Promise<boolean> {
  for (const rel of marker.outputs) {
    try {
      await access(ws.path(rel));
    } catch {
      return false;
    }
  }
  return true;
}
