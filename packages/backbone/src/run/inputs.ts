import { readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { parseManifest } from "@osfm/tiling";
import { BackboneError } from "../errors";
import type { TileRow } from "../types";

/** Slide file extensions looked for in folders (case-insensitive; the original forgot `.tiff`). */
export const SLIDE_EXTENSIONS: ReadonlySet<string> = new Set([".svs", ".tif", ".tiff", ".ndpi", ".mrxs", ".scn", ".bif"]);

function walk(entry: string, accept: (file: string) => boolean, out: string[]): string[] {
  let st;
  try {
    st = statSync(entry);
  } catch (cause) {
    throw new BackboneError("BAD_INPUT", "no such file or folder", { path: entry, cause });
  }
  if (st.isDirectory()) {
    for (const name of readdirSync(entry).sort()) {
      const child = path.join(entry, name);
      if (statSync(child).isDirectory() || accept(child)) walk(child, accept, out);
    }
  } else out.push(entry);
  return out;
}

/** Slide id (file name without extension) → path, for every slide file in `entries` (files or folders, searched recursively). */
export function indexSlides(entries: readonly string[]): Map<string, string> {
  const files: string[] = [];
  for (const e of entries) walk(e, (f) => SLIDE_EXTENSIONS.has(path.extname(f).toLowerCase()), files);
  const index = new Map<string, string>();
  for (const f of files) index.set(path.basename(f).replace(/\.[^.]+$/, ""), f);
  return index;
}

/** Tile rows by slide id, from `@osfm/tiling` Arrow manifests (files or folders of `*.arrow`). */
export function loadManifests(entries: readonly string[]): Map<string, TileRow[]> {
  const files: string[] = [];
  for (const e of entries) walk(e, (f) => f.endsWith(".arrow"), files);
  const bySlide = new Map<string, TileRow[]>();
  for (const f of files) {
    let rows: TileRow[];
    try {
      rows = parseManifest(new Uint8Array(readFileSync(f)), f).rows;
    } catch (cause) {
      throw new BackboneError("BAD_INPUT", `not a tile manifest: ${(cause as Error).message}`, { path: f, cause });
    }
    for (const r of rows) {
      const id = r.slideId ?? path.basename(f, ".arrow");
      const list = bySlide.get(id);
      if (list) list.push(r);
      else bySlide.set(id, [r]);
    }
  }
  return bySlide;
}
