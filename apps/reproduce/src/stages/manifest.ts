import { stat } from "node:fs/promises";
import { relative } from "node:path";
import { discoverSlides } from "../datasets/registry";
import type { SlideEntry } from "../datasets/types";
import { writeFileAtomic, writeJsonAtomic } from "../io/atomic";
import { formatCsv } from "../io/csv";
import { hashValue } from "../io/hash";
import { quickFingerprint } from "../io/quick-fingerprint";
import { writeArrowRows } from "../io/table";
import { missingExports, requirePackage } from "../ports/modules";
import { inShard } from "../runner/shard";
import type { Stage, Unit } from "../runner/stage";
import { decideMpp, MANIFEST_SCHEMA, mppFromTiffResolution } from "./manifest-schema";

type Wsi = import("../ports/wsi").WsiPort;

interface ManifestUnit extends Unit {
  entry: SlideEntry;
}

/** NB02: finds every slide with the dataset adapters, fingerprints and probes it, writes the manifest. */
export const manifestStage: Stage<ManifestUnit> = {
  name: "manifest",
  nb: "NB02",
  title: "manifest and provenance",
  kind: "slide",
  deps: ["env"],
  version: 2,
  settings: (c) => ({ providerMpp: c.settings.panda.providerMpp, assumeMpp: c.settings.tiling.assumeMpp ?? null }),
  unavailable: () => missingExports("wsi", ["openSlide"]),
  async plan(ctx) {
    const found = await discoverSlides(ctx.roots, { pandaProviderMpp: ctx.config.settings.panda.providerMpp });
    for (const note of found.notes) ctx.reporter.info(`[manifest] ${note}`);
    const units: ManifestUnit[] = [];
    for (const r of found.results)
      for (const entry of r.slides) {
        if (!inShard(entry.slideId, ctx.config.shard)) continue;
        const s = await stat(entry.path);
        units.push({ id: entry.slideId, inputs: hashValue({ entry, size: s.size, mtimeMs: Math.round(s.mtimeMs) }), slidePath: entry.path, entry });
      }
    return { units, missing: 0, inputs: found.results.map((r) => r.root) };
  },
  async runUnit(ctx, unit) {
    const { openSlide } = await requirePackage<Wsi>("wsi");
    const { entry } = unit;
    const { fingerprint, sizeBytes } = await quickFingerprint(entry.path);
    const info = await stat(entry.path);
    const slide = await openSlide(entry.path);
    let probe;
    let tiffMpp: number | undefined;
    try {
      tiffMpp = mppFromTiffResolution(slide.properties ?? {});
      const l0 = slide.levels[0]!;
      probe = { width: l0.width, height: l0.height, level_count: slide.levels.length, mpp_x: slide.mpp?.x ?? null, mpp_y: slide.mpp?.y ?? null, vendor: slide.vendor, objective_power: slide.objectivePower ?? null };
    } finally {
      await slide.close();
    }
    const mpp = decideMpp(probe.mpp_x ?? undefined, entry.fallbackMpp, ctx.config.settings.tiling.assumeMpp, probe.objective_power ?? undefined, tiffMpp);
    const row = {
      slide_id: entry.slideId,
      dataset: entry.dataset,
      path: entry.path,
      data_path: ctx.config.data ? relative(ctx.config.data, entry.path) : entry.path,
      patient_id: entry.patientId,
      group: entry.group,
      label: entry.label,
      ...entry.extra,
      fingerprint,
      size_bytes: sizeBytes,
      modified_time: info.mtime.toISOString(),
      ...probe,
      mpp: mpp.mpp,
      mpp_source: mpp.source,
    };
    return { outputs: [], counts: { bytes: sizeBytes }, row };
  },
  async finalize(ctx, markers) {
    const rows = [...markers.values()].filter((m) => m.status === "done" && m.row).map((m) => m.row!).sort((a, b) => (String(a.slide_id) < String(b.slide_id) ? -1 : 1));
    const ws = ctx.ws;
    await writeArrowRows(ws.slidesArrow, MANIFEST_SCHEMA, rows);
    await writeFileAtomic(ws.slidesCsv, formatCsv(MANIFEST_SCHEMA.map(([n]) => n), rows));
    const hashIndex = ws.path("hashes", "hash_index.csv");
    await writeFileAtomic(hashIndex, formatCsv(["path", "size_bytes", "fingerprint"], rows));
    // Figure inputs (@osfm/figures README): manifests/manifest.json
    const figureInput = ws.path("manifests", "manifest.json");
    await writeJsonAtomic(figureInput, {
      dataset: [...new Set(rows.map((r) => String(r.dataset).toUpperCase()))].join(" + ") || "no slides",
      slides: rows.map((r) => ({ slide_id: r.slide_id, cancer_code: r.dataset === "tcga" ? r.cancer_code : String(r.dataset).toUpperCase(), size_bytes: r.size_bytes ?? null, mpp_x: r.mpp_x ?? null, mpp_y: r.mpp_y ?? null })),
    });
    const byFingerprint = new Map<string, number>();
    for (const r of rows) byFingerprint.set(String(r.fingerprint), (byFingerprint.get(String(r.fingerprint)) ?? 0) + 1);
    const duplicates = [...byFingerprint.values()].filter((n) => n > 1).length;
    if (duplicates) ctx.reporter.warn(`manifest: ${duplicates} group(s) of slides with identical fingerprints (duplicate files?)`);
    return { outputs: [ws.slidesArrow, ws.slidesCsv, hashIndex, figureInput].map((p) => ws.rel(p)), counts: { slides: rows.length, duplicateGroups: duplicates } };
  },
};
