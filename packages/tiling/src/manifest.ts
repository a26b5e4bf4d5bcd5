import { rename, writeFile } from "node:fs/promises";
import { Table, Utf8, makeVector, tableFromIPC, tableToIPC, vectorFromArray } from "apache-arrow";
import { TilingError } from "./errors";
import type { TileManifest, TileRow } from "./types";

/** The manifest columns, in order, as other tools (pyarrow/pandas) see them. */
export const MANIFEST_COLUMNS = ["slide_id", "scale_um_per_px", "level", "x", "y", "read_size_px", "coverage", "tile_idx", "seed"] as const;

/** Schema-level facts stored with the table as metadata (string → string). */
export type ManifestMetadata = Record<string, string>;

/** Builds the Arrow table of manifest rows; `seedOf` gives the sampling seed of a row (its scale's seed) and `metadata` goes into the schema. */
export function rowsToArrow(rows: readonly TileRow[], seedOf: (row: TileRow) => bigint, metadata: ManifestMetadata = {}): Table {
  const n = rows.length;
  const int32 = (f: (r: TileRow) => number): Int32Array => Int32Array.from(rows, f);
  const columns = {
    slide_id: vectorFromArray(rows.map((r) => r.slideId), new Utf8()),
    scale_um_per_px: makeVector(Float64Array.from(rows, (r) => r.scaleUmPerPx)),
    level: makeVector(int32((r) => r.level)),
    x: makeVector(int32((r) => r.x)),
    y: makeVector(int32((r) => r.y)),
    read_size_px: makeVector(int32((r) => r.readSizePx)),
    coverage: makeVector(Float64Array.from(rows, (r) => r.coverage)),
    tile_idx: makeVector(int32((r) => r.tileIdx)),
    seed: makeVector(BigUint64Array.from(rows, seedOf)),
  };
  const table = new Table(columns);
  if (table.numRows !== n) throw new TilingError("BAD_MANIFEST", "toArrow", `expected ${n} rows, built ${table.numRows}`);
  for (const [k, v] of Object.entries(metadata)) table.schema.metadata.set(k, v);
  return table;
}
/** Writes a manifest as an Arrow IPC file, atomically (temp file, then rename). */
export async function writeManifest(manifest: TileManifest, file: string): Promise<void> {
  const bytes = tableToIPC(manifest.toArrow(), "file");
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(tmp, bytes);
  await rename(tmp, file);
}

/** A manifest read back from an Arrow IPC file: its rows, per-row seeds and the table's metadata. */
export interface ReadManifest {
  rows: TileRow[];
  seeds: bigint[];
  metadata: ManifestMetadata;
}

/** Reads an Arrow IPC manifest written by `writeManifest` (or any tool with the same columns). */
export function parseManifest(bytes: Uint8Array, subject = "manifest"): ReadManifest {
  let table: Table;
  try {
    table = tableFromIPC(bytes);
  } catch (cause) {
    throw new TilingError("BAD_MANIFEST", subject, "not an Arrow IPC file", { cause });
  }
  if (table.schema.fields.length === 0) throw new TilingError("BAD_MANIFEST", subject, "not an Arrow IPC file (no schema found)");
  const names = table.schema.fields.map((f) => f.name);
  const missing = MANIFEST_COLUMNS.filter((c) => !names.includes(c));
  if (missing.length) throw new TilingError("BAD_MANIFEST", subject, `missing columns: ${missing.join(", ")}`);
  const col = (name: string) => table.getChild(name)!;
  const rows: TileRow[] = [];
  const seeds: bigint[] = [];
  for (let i = 0; i < table.numRows; i++) {
    rows.push({
      slideId: String(col("slide_id").get(i)),
      scaleUmPerPx: Number(col("scale_um_per_px").get(i)),
      level: Number(col("level").get(i)),
      x: Number(col("x").get(i)),
      y: Number(col("y").get(i)),
      readSizePx: Number(col("read_size_px").get(i)),
      coverage: Number(col("coverage").get(i)),
      tileIdx: Number(col("tile_idx").get(i)),
    });
    seeds.push(BigInt(col("seed").get(i) as bigint));
  }
  return { rows, seeds, metadata: Object.fromEntries(table.schema.metadata) };
}
