import type { TableSchema } from "../io/table";

/** Columns of manifests/slides.arrow and slides.csv (NB02's, plus dataset labels and the mpp decision). */
export const MANIFEST_SCHEMA: TableSchema = [
  ["slide_id", "string"],
  ["dataset", "string"],
  ["path", "string"],
  ["patient_id", "string"],
  ["group", "string"],
  ["label", "string"],
  ["cancer_code", "string"],
  ["tss", "string"],
  ["center", "int"],
  ["node", "int"],
  ["node_label", "string"],
  ["pn", "int"],
  ["tumor", "int"],
  ["isup_grade", "int"],
  ["gleason_score", "string"],
  ["data_provider", "string"],
  ["fingerprint", "string"],
  ["size_bytes", "float"],
  ["modified_time", "string"],
  ["width", "int"],
  ["height", "int"],
  ["level_count", "int"],
  ["mpp_x", "float"],
  ["mpp_y", "float"],
  ["mpp", "float"],
  ["mpp_source", "string"],
  ["vendor", "string"],
  ["objective_power", "float"],
];

/**
 * µm/px from the TIFF resolution tags (`tiff.XResolution` with `tiff.ResolutionUnit` centimeter or inch),
 * which OpenSlide 3.4 does not turn into `openslide.mpp-x` for generic TIFFs (CAMELYON, PANDA files).
 */
export function mppFromTiffResolution(properties: Readonly<Record<string, string>>): number | undefined {
  const res = Number(properties["tiff.XResolution"]);
  const unit = (properties["tiff.ResolutionUnit"] ?? "").toLowerCase();
  const perUnitUm = unit === "centimeter" ? 10_000 : unit === "inch" ? 25_400 : undefined;
  if (!perUnitUm || !(res > 0)) return undefined;
  const mpp = perUnitUm / res;
  return mpp > 0.05 && mpp < 50 ? mpp : undefined;
}

/**
 * The pixel size tiling will use, and where it came from (Part A: never a silent default): the file's
 * own mpp; else its TIFF resolution tags; else a declared fallback (PANDA provider mpp, `--assume-mpp`); else the objective power
 * (40x → 0.25, 20x → 0.5, recorded as such); else none, and tiling stops with an error naming the slide.
 */
export function decideMpp(
  fileMpp: number | undefined,
  fallback: { mpp: number; source: string } | undefined,
  assumeMpp: number | undefined,
  objectivePower: number | undefined,
  tiffResolutionMpp?: number,
): { mpp: number | null; source: string } {
  if (fileMpp !== undefined && Number.isFinite(fileMpp) && fileMpp > 0) return { mpp: fileMpp, source: "file" };
  if (tiffResolutionMpp !== undefined) return { mpp: tiffResolutionMpp, source: "tiff-resolution" };
  if (fallback) return { mpp: fallback.mpp, source: fallback.source };
  if (assumeMpp !== undefined) return { mpp: assumeMpp, source: "assume-mpp" };
  if (objectivePower !== undefined && objectivePower > 0) return { mpp: 10 / objectivePower, source: `objective-power:${objectivePower}x` };
  return { mpp: null, source: "missing" };
}
