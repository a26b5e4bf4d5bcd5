import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openSlide } from "../src/index";
import { applyPredictor, encodeDeflate, encodeLzw, encodePackBits, encodeZstdRaw } from "./helpers/encoders";
import { losslessPyramid } from "./helpers/pyramid";
import { buildTiff } from "./helpers/tiff-builder";
import { diffStats, haveOpenSlide, openslideDump, randomRegions } from "./openslide";

const dir = mkdtempSync(path.join(tmpdir(), "osfm-wsi-lossless-"));
afterAll(() => { if (!process.env.OSFM_KEEP) rmSync(dir, { recursive: true, force: true }); });

const cases = [
  { name: "none", compression: 1, encode: (d: Uint8Array) => d },
  { name: "lzw", compression: 5, encode: encodeLzw },
  { name: "lzw+predictor", compression: 5, encode: encodeLzw, predictor: 2 },
  { name: "adobe-deflate+predictor", compression: 8, encode: encodeDeflate, predictor: 2 },
  { name: "deflate", compression: 32946, encode: encodeDeflate },
  { name: "packbits", compression: 32773, encode: encodePackBits },
  { name: "zstd", compression: 50000, encode: encodeZstdRaw },
];

describe.skipIf(!haveOpenSlide())("lossless tiled TIFF codecs: exact parity with OpenSlide", () => {
  for (const c of cases) {
    for (const bigTiff of [false, true]) {
      it(`${c.name}${bigTiff ? " (BigTIFF)" : ""}: 3 levels, 50 random regions per level, exact`, async () => {
        const images = losslessPyramid({ width: 301, height: 203, levels: 3, tile: 64, compression: c.compression, encode: c.encode, predictor: c.predictor }, applyPredictor);
        const file = path.join(dir, `${c.name}${bigTiff ? "-big" : ""}.tiff`);
        writeFileSync(file, buildTiff(images, { bigTiff }));
        const slide = await openSlide(file);
        const regions = randomRegions(slide.levels, 50, 7);
        const ref = openslideDump(file, { regions });
        expect(ref.open_error).toBeUndefined();
        expect(slide.vendor).toBe(ref.vendor);
        expect(slide.levels.map((l) => [l.width, l.height])).toEqual(ref.level_dimensions);
        for (let i = 0; i < regions.length; i++) {
          const [x, y, level, width, height] = regions[i] as [number, number, number, number, number];
          const ours = await slide.readRegion({ x, y, level, width, height });
          const d = diffStats(ours.data, new Uint8Array(Buffer.from(ref.regions[i]?.data ?? "", "base64")));
          expect(d.max, `region ${regions[i]?.join(",")}`).toEqual([0, 0, 0, 0]);
        }
        await slide.close();
      });
    }
  }
});
