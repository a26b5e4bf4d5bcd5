import { spawnSync } from "node:child_process";
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { python, tempDir } from "../../test/helpers";
import { float16ToFloat32, float32ToFloat16 } from "../float16";
import { readFeatureFile, writeFeatureFile, type FeatureFileAttributes } from "./feature-file";
import { lookup3 } from "./lookup3";

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const n = 5;
const dim = 768;
const features = Float32Array.from({ length: n * dim }, (_, i) => Math.sin(i * 0.37) * 3);
const coords = [0, 0, 448, 0, 896, 224, 224, 672, 1344, 1344];
const attributes: FeatureFileAttributes = {
  slideId: "TCGA-AA-0001",
  scale: 0.5,
  level: 1,
  tileSize: 256,
  backboneId: "convnext_tiny-0123456789abcdef",
  weightsSha256: "0123456789abcdef".repeat(4),
  manifestSha256: "fedcba9876543210".repeat(4),
};

interface H5pyView {
  keys: string[];
  features: { shape: number[]; dtype: string; first: number[] };
  coords: { shape: number[]; dtype: string; values: number[][]; attrs: Record<string, number> };
  attrs: Record<string, string | number>;
}

function h5pyView(file: string): H5pyView {
  return python<H5pyView>(
    `import sys, json, h5py
f = h5py.File(sys.argv[1], "r")
a = {k: (v.decode() if isinstance(v, bytes) else (v.item() if hasattr(v, "item") else v)) for k, v in f.attrs.items()}
print(json.dumps({"keys": sorted(f.keys()),
  "features": {"shape": list(f["features"].shape), "dtype": str(f["features"].dtype), "first": f["features"][0, :4].astype(float).tolist()},
  "coords": {"shape": list(f["coords"].shape), "dtype": str(f["coords"].dtype), "values": f["coords"][:].tolist(),
             "attrs": {k: int(v) for k, v in f["coords"].attrs.items()}},
  "attrs": a}))`,
    [file],
  );
}

describe("feature files, read by h5py (Debian python3-h5py)", () => {
  for (const dtype of ["float32", "float16"] as const) {
    it(`${dtype}: documented names, shapes, dtypes and attributes`, async () => {
      const file = path.join(tmp.dir, `${dtype}.h5`);
      await writeFeatureFile(file, { features, coords, n, dim, dtype }, attributes);
      const v = h5pyView(file);
      expect(v.keys).toEqual(["coords", "features"]);
      expect(v.features.shape).toEqual([n, dim]);
      expect(v.features.dtype).toBe(dtype);
      const expected = dtype === "float16" ? float16ToFloat32(float32ToFloat16(features.subarray(0, 4))) : features.subarray(0, 4);
      expect(v.features.first).toEqual(Array.from(expected));
      expect(v.coords).toEqual({ shape: [n, 2], dtype: "int64", values: [[0, 0], [448, 0], [896, 224], [224, 672], [1344, 1344]], attrs: { patch_level: 1, patch_size: 256 } });
      expect(v.attrs).toEqual({
        slide_id: "TCGA-AA-0001",
        scale_um_per_px: 0.5,
        level: 1,
        tile_size: 256,
        backbone_id: attributes.backboneId,
        weights_sha256: attributes.weightsSha256,
        manifest_sha256: attributes.manifestSha256,
        features_dtype: dtype,
        osfm_feature_format: 1,
      });
      const back = await readFeatureFile(file);
      expect(back.dtype).toBe(dtype);
      expect(back.attributes).toEqual(attributes);
      expect(Array.from(back.coords)).toEqual(coords);
      if (dtype === "float32") expect(back.features).toEqual(features);
      else expect(back.features).toEqual(float16ToFloat32(float32ToFloat16(features)));
    });
  }

  it("writes the same bytes for the same content (no timestamps), so reruns are byte-identical", async () => {
    const a = path.join(tmp.dir, "a.h5");
    const b = path.join(tmp.dir, "b.h5");
    await writeFeatureFile(a, { features, coords, n, dim, dtype: "float16" }, attributes);
    await new Promise((r) => setTimeout(r, 1100));
    await writeFeatureFile(b, { features, coords, n, dim, dtype: "float16" }, attributes);
    expect(Buffer.compare(readFileSync(a), readFileSync(b))).toBe(0);
  });

  it("removes temporary files left by a killed writer of the same file", async () => {
    const file = path.join(tmp.dir, "stale.h5");
    const dead = spawnSync(process.execPath, ["-e", "0"]).pid!; // a pid that has exited
    const stale = path.join(tmp.dir, `.stale.h5.${dead}.0badc0de.tmp`);
    writeFileSync(stale, "partial");
    await writeFeatureFile(file, { features, coords, n, dim }, attributes);
    expect(readdirSync(tmp.dir).filter((f) => f.startsWith(".stale.h5"))).toEqual([]);
  });

  it("rejects mismatched arrays before touching the disk", async () => {
    await expect(writeFeatureFile(path.join(tmp.dir, "bad.h5"), { features, coords: [1, 2], n, dim }, attributes)).rejects.toThrow(/do not fit n=5/);
  });

  it("reports a file that is not HDF5 with its path", async () => {
    await expect(readFeatureFile(path.join(tmp.dir, "nope.h5"))).rejects.toThrow(/nope\.h5/);
  });
});

describe("lookup3 (HDF5 metadata checksum)", () => {
  it("matches Bob Jenkins' published hashlittle test vectors", () => {
    // From lookup3.c driver5(): hashlittle("", 0, 0) = 0xdeadbeef; "Four score and seven years ago", 0 → 0x17770551
    expect(lookup3(new Uint8Array(0))).toBe(0xdeadbeef);
    expect(lookup3(new TextEncoder().encode("Four score and seven years ago"))).toBe(0x17770551);
    expect(lookup3(new TextEncoder().encode("Four score and seven years ago"), 1)).toBe(0xcd628161);
  });
});
