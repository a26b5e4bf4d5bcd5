import { copyFileSync, existsSync, readdirSync, truncateSync, unlinkSync } from "node:fs";
import path from "node:path";
import { openSlide } from "@osfm/wsi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixturesDir, gridRows, haveFixtures, referenceDir, tempDir } from "../../test/helpers";
import { convnextArchitecture } from "../convnext/architecture";
import { createEncoder, registerArchitecture } from "../encoder/create-encoder";
import type { Encoder } from "../encoder/encoder";
import { BackboneError } from "../errors";
import { readFeatureFile } from "../features/feature-file";
import type { ExtractProgress } from "../types";
import { extractFeatures } from "./extract-features";
import { readTileRgb } from "./read-tile";

const cmu = path.join(fixturesDir, "aperio_CMU-1-Small-Region.svs");
const tmp = tempDir();
let encoder: Encoder;
registerArchitecture("convnext_reduced_x", async () => convnextArchitecture({ depths: [1, 1, 2, 1], dims: [8, 16, 24, 32] }));

beforeAll(async () => {
  encoder = await createEncoder({ arch: "convnext_reduced_x", weights: path.join(referenceDir, "reduced_convnext.safetensors"), threads: 1 });
});
afterAll(async () => {
  await encoder.close();
  tmp.cleanup();
});

// 40 tiles at 0.5 µm/px and 6 at 2.0 µm/px (1024-px reads resized to 224) over the CMU-1 region.
const rows = [...gridRows("cmu", 2220, 2967).slice(0, 40), ...gridRows("cmu", 2220, 2967, 2, 900, 1024).slice(0, 6)];

describe.skipIf(!haveFixtures)("extractFeatures on a real Aperio slide", () => {
  it("writes one file per scale whose rows equal encoding each tile on its own", async () => {
    const slide = await openSlide(cmu);
    const progress: ExtractProgress[] = [];
    const out = path.join(tmp.dir, "a");
    const results = await extractFeatures({ slide, manifest: rows, encoder, out, batchSize: 16, onProgress: (p) => progress.push(p) });
    expect(results.map((r) => [r.scale, r.tiles, r.skipped])).toEqual([[0.5, 40, false], [2, 6, false]]);
    expect(results[0]!.path).toBe(path.join(out, encoder.id, "scale0p5", "cmu.h5"));
    expect(results[1]!.path).toBe(path.join(out, encoder.id, "scale2p0", "cmu.h5"));
    expect(progress.filter((p) => p.scale === 0.5).map((p) => p.done)).toEqual([16, 32, 40]);
    const file = await readFeatureFile(results[0]!.path);
    expect([file.n, file.dim, file.dtype]).toEqual([40, 32, "float32"]);
    expect(Array.from(file.coords.subarray(0, 4))).toEqual([0, 0, 224, 0]);
    // Batching and prefetching must not change a row: compare with tiles 0, 17 and 39 encoded alone.
    for (const i of [0, 17, 39]) {
      const alone = await encoder.encode(await readTileRgb(slide, rows[i]!, 224), 1);
      expect(Array.from(file.features.subarray(i * 32, (i + 1) * 32))).toEqual(Array.from(alone));
    }
    await slide.close();
  });

  it("skips a file with the same fingerprint and manifest hash, redoes it when the manifest or encoder changes", async () => {
    const slide = await openSlide(cmu);
    const out = path.join(tmp.dir, "b");
    await extractFeatures({ slide, manifest: rows, encoder, out });
    const again = await extractFeatures({ slide, manifest: rows, encoder, out });
    expect(again.map((r) => r.skipped)).toEqual([true, true]);
    const changed = await extractFeatures({ slide, manifest: [...rows.slice(0, 39), ...rows.slice(40)], encoder, out });
    expect(changed.map((r) => r.skipped)).toEqual([false, true]);
    const f16 = await extractFeatures({ slide, manifest: rows, encoder, out, dtype: "float16" });
    expect(f16.map((r) => r.skipped)).toEqual([false, false]);
    const other = await createEncoder({ arch: "convnext_reduced_x", seed: 5, threads: 1 });
    const fresh = await extractFeatures({ slide, manifest: rows, encoder: other, out });
    expect(fresh.map((r) => r.skipped)).toEqual([false, false]);
    expect(readdirSync(out).sort()).toEqual([encoder.id, other.id].sort());
    await other.close();
    await slide.close();
  });
});

describe.skipIf(!haveFixtures)("bad input", () => {
  it("an unreadable tile region: typed error naming the slide and the tile, no file left behind", async () => {
    const slide = await openSlide(path.join(fixturesDir, "bad_unreadable.svs"));
    const out = path.join(tmp.dir, "bad");
    const err = await extractFeatures({ slide, manifest: [{ slideId: "bad", scaleUmPerPx: 0.5, level: 0, x: 0, y: 0, readSizePx: 256 }], encoder, out }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackboneError);
    expect((err as BackboneError).code).toBe("TILE_READ_FAILED");
    expect((err as Error).message).toMatch(/bad_unreadable\.svs: cannot read the tile level 0 at level-0 \(0, 0\), 256 px/);
    expect(existsSync(out)).toBe(false);
    await slide.close();
  });

  it("a slide truncated mid-run: typed error, and neither a partial nor a temporary file is left", async () => {
    const copy = path.join(tmp.dir, "vanishing.svs");
    copyFileSync(cmu, copy);
    const slide = await openSlide(copy);
    const out = path.join(tmp.dir, "vanish");
    const manifest = gridRows("vanishing", 2220, 2967);
    const err = await extractFeatures({
      slide, manifest, encoder, out, batchSize: 8,
      onProgress: (p) => {
        if (p.done === 8) truncateSync(copy, 4096); // the share goes away under us
      },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackboneError);
    expect((err as BackboneError).code).toBe("TILE_READ_FAILED");
    expect((err as Error).message).toContain("vanishing.svs");
    const dir = path.join(out, encoder.id, "scale0p5");
    expect(existsSync(dir) ? readdirSync(dir) : []).toEqual([]);
    await slide.close();
  });

  it("a slide deleted mid-run: the open handle still reads, and the features equal an undisturbed run", async () => {
    const copy = path.join(tmp.dir, "deleted.svs");
    copyFileSync(cmu, copy);
    const slide = await openSlide(copy);
    const manifest = rows.slice(0, 24).map((r) => ({ ...r, slideId: "deleted" }));
    const [gone] = await extractFeatures({ slide, manifest, encoder, out: path.join(tmp.dir, "del"), batchSize: 8, onProgress: (p) => p.done === 8 && unlinkSync(copy) });
    await slide.close();
    const ref = await openSlide(cmu);
    const [kept] = await extractFeatures({ slide: ref, manifest, encoder, out: path.join(tmp.dir, "kept"), batchSize: 8 });
    await ref.close();
    expect((await readFeatureFile(gone!.path)).features).toEqual((await readFeatureFile(kept!.path)).features);
  });
});
