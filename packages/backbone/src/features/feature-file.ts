import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { BackboneError } from "../errors";
import { float16ToFloat32, float32ToFloat16 } from "../float16";
import type { FeatureDtype } from "../types";
import { BINARY16_PLACEHOLDER, patchBinary16, zeroObjectHeaderTimes } from "./hdf5-patch";
import { h5 } from "./h5";

/** Provenance stored as attributes of every feature file (root group). */
export interface FeatureFileAttributes {
  slideId: string;
  /** Target scale in µm/px. */
  scale: number;
  /** Pyramid level the tiles were read from (the most common one when rows differ). */
  level: number;
  /** Side of the read tile in pixels of `level`. */
  tileSize: number;
  /** Encoder id: backbone name and weights fingerprint, e.g. `convnext_tiny-3f2a…`. */
  backboneId: string;
  /** SHA-256 (hex) of the encoder weights. */
  weightsSha256: string;
  /** SHA-256 (hex) of the tile rows this file encodes (see `manifestHash`). */
  manifestSha256: string;
}

/** The contents of one feature file. */
export interface FeatureFile {
  /** features: [n, dim] float32 (float16 files are widened on read). */
  features: Float32Array;
  /** coords: [n, 2] level-0 x, y. */
  coords: Float64Array;
  n: number;
  dim: number;
  /** Storage dtype of `features`. */
  dtype: FeatureDtype;
  attributes: FeatureFileAttributes;
}

const ATTRS: Record<keyof FeatureFileAttributes, string> = {
  slideId: "slide_id",
  scale: "scale_um_per_px",
  level: "level",
  tileSize: "tile_size",
  backboneId: "backbone_id",
  weightsSha256: "weights_sha256",
  manifestSha256: "manifest_sha256",
};

/** Layout version written as attribute `osfm_feature_format`. */
export const FEATURE_FORMAT_VERSION = 1;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Removes temporary files of `file` left by killed writers (`.<name>.<pid>.<hex>.tmp` whose pid is gone). */
function removeStaleTemporaries(file: string): void {
  const prefix = `.${path.basename(file)}.`;
  for (const name of readdirSync(path.dirname(file))) {
    if (!name.startsWith(prefix) || !name.endsWith(".tmp")) continue;
    const pid = Number(name.slice(prefix.length).split(".")[0]);
    if (Number.isInteger(pid) && pid !== process.pid && !alive(pid)) rmSync(path.join(path.dirname(file), name), { force: true });
  }
}

/**
 * Writes a feature file in the layout CLAM and TRIDENT readers expect: dataset `features` [n, dim]
 * (float32 or float16), dataset `coords` [n, 2] int64 level-0 (x, y), provenance attributes on the root
 * (and CLAM's `patch_size` / `patch_level` on `coords`). Atomic: written to a temporary file in the same
 * folder, then renamed, so a killed run never leaves a truncated file under the final name.
 */
export async function writeFeatureFile(
  file: string,
  data: { features: Float32Array; coords: ArrayLike<number>; n: number; dim: number; dtype?: FeatureDtype },
  attributes: FeatureFileAttributes,
): Promise<void> {
  const { features, coords, n, dim, dtype = "float32" } = data;
  if (features.length !== n * dim || coords.length !== n * 2) {
    throw new BackboneError("FEATURE_FILE", `features ${features.length} / coords ${coords.length} do not fit n=${n}, dim=${dim}`, { path: file });
  }
  const lib = await h5();
  mkdirSync(path.dirname(file), { recursive: true });
  removeStaleTemporaries(file);
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  try {
    const f = new lib.File(tmp, "w");
    try {
      if (dtype === "float16") {
        const bits = float32ToFloat16(features);
        f.create_dataset({ name: "features", data: new Map([[BINARY16_PLACEHOLDER, bits]]), shape: [n, dim], dtype: [[BINARY16_PLACEHOLDER, "<H"]] });
      } else {
        f.create_dataset({ name: "features", data: features, shape: [n, dim], dtype: "<f" });
      }
      const xy = BigInt64Array.from(Array.from(coords, (v) => BigInt(Math.round(v))));
      const c = f.create_dataset({ name: "coords", data: xy, shape: [n, 2], dtype: "<q" });
      c.create_attribute("patch_size", attributes.tileSize, null, "<q");
      c.create_attribute("patch_level", attributes.level, null, "<q");
      for (const [key, attr] of Object.entries(ATTRS) as [keyof FeatureFileAttributes, string][]) {
        const value = attributes[key];
        if (typeof value === "string") f.create_attribute(attr, value);
        else f.create_attribute(attr, value, null, key === "scale" ? "<d" : "<q");
      }
      f.create_attribute("features_dtype", dtype);
      f.create_attribute("osfm_feature_format", FEATURE_FORMAT_VERSION, null, "<q");
    } finally {
      f.close();
    }
    const bytes = new Uint8Array(readFileSync(tmp));
    if (dtype === "float16" && patchBinary16(bytes) !== 1) throw new Error("float16 features dataset not found for patching");
    zeroObjectHeaderTimes(bytes);
    writeFileSync(tmp, bytes);
    renameSync(tmp, file);
  } catch (cause) {
    rmSync(tmp, { force: true });
    if (cause instanceof BackboneError) throw cause;
    throw new BackboneError("FEATURE_FILE", `cannot write feature file: ${(cause as Error).message}`, { path: file, cause });
  }
}

/** Raw 2-byte elements of a dataset (h5wasm 0.10 cannot decode float16 on Node 20). */
function readRawUint16(lib: Awaited<ReturnType<typeof h5>>, fileId: bigint, dsPath: string, count: number): Uint16Array {
  const { Module } = lib;
  const ptr = Module._malloc(count * 2);
  try {
    Module.get_dataset_data(fileId, dsPath, null, null, null, BigInt(ptr));
    return new Uint16Array(Module.HEAPU8.slice(ptr, ptr + count * 2).buffer);
  } finally {
    Module._free(ptr);
  }
}

function attr(f: { get_attribute(name: string, json: true): unknown }, name: string): unknown {
  return f.get_attribute(name, true);
}

/** Shape, dtype and provenance of a feature file without its arrays; `undefined` when missing or unreadable. */
export async function readFeatureHeader(file: string): Promise<Omit<FeatureFile, "features" | "coords"> | undefined> {
  if (!existsSync(file)) return undefined;
  try {
    const { n, dim, dtype, attributes } = await readFeatureFile(file, { attributesOnly: true });
    return { n, dim, dtype, attributes };
  } catch {
    return undefined;
  }
}

/** Reads a feature file written by `writeFeatureFile` (or any file with the same names and shapes). */
export async function readFeatureFile(file: string, options: { attributesOnly?: boolean } = {}): Promise<FeatureFile> {
  if (!existsSync(file)) throw new BackboneError("FEATURE_FILE", "no such feature file", { path: file });
  const lib = await h5();
  let f: InstanceType<typeof lib.File>;
  try {
    f = new lib.File(file, "r");
  } catch (cause) {
    throw new BackboneError("FEATURE_FILE", "cannot open feature file", { path: file, cause });
  }
  try {
    const attributes = {} as Record<string, unknown>;
    for (const [key, name] of Object.entries(ATTRS)) attributes[key] = attr(f, name);
    const ds = f.get("features");
    const cs = f.get("coords");
    if (!(ds instanceof lib.Dataset) || !(cs instanceof lib.Dataset)) throw new Error("datasets `features` and `coords` expected");
    const [n = 0, dim = 0] = ds.shape ?? [];
    const dtype: FeatureDtype = ds.metadata.size === 2 ? "float16" : "float32";
    let features: Float32Array = new Float32Array(0);
    let coords: Float64Array = new Float64Array(0);
    if (options.attributesOnly !== true) {
      features = dtype === "float16" ? float16ToFloat32(readRawUint16(lib, f.file_id, ds.path, n * dim)) : Float32Array.from(ds.value as Float32Array);
      coords = Float64Array.from(cs.value as BigInt64Array, (v) => Number(v));
    }
    return { features, coords, n, dim, dtype, attributes: attributes as unknown as FeatureFileAttributes };
  } catch (cause) {
    throw new BackboneError("FEATURE_FILE", `not a feature file: ${(cause as Error).message}`, { path: file, cause });
  } finally {
    f.close();
  }
}
