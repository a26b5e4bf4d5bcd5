import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import sharp from "sharp";
import { afterAll, describe, expect, it } from "vitest";
import { decodeJpegScaled } from "../src/codecs/jpeg";
import { parseJpegHeader } from "../src/codecs/jpeg-header";
import { openSlide } from "../src/index";
import { fixture, haveFixtures } from "./fixtures";
import { testPicture } from "./helpers/tiff-builder";
import { diffStats, haveOpenSlide } from "./openslide";

const dir = mkdtempSync(path.join(tmpdir(), "osfm-wsi-scaled-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** libjpeg's own scaled decoding (Pillow's draft mode, Debian libjpeg-turbo like OpenSlide): RGB bytes. */
function libjpegScaled(file: string, scale: number): Uint8Array {
  const script = `import sys,base64\nfrom PIL import Image\nim=Image.open(sys.argv[1]);s=int(sys.argv[2])\nim.draft('RGB',(im.width//s,im.height//s))\nsys.stdout.write(base64.b64encode(im.convert('RGB').tobytes()).decode())`;
  return new Uint8Array(Buffer.from(execFileSync("/usr/bin/python3", ["-c", script, file, String(scale)], { encoding: "utf8" }), "base64"));
}

async function picture(): Promise<{ rgb: Uint8Array; width: number; height: number }> {
  const width = 512;
  const height = 256;
  if (!haveFixtures) return { rgb: testPicture(width, height), width, height };
  const slide = await openSlide(fixture("aperio_CMU-1-Small-Region.svs"));
  const rgba = (await slide.readRegion({ x: 800, y: 1300, level: 0, width, height })).data;
  await slide.close();
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) rgb.set(rgba.subarray(i * 4, i * 4 + 3), i * 3);
  return { rgb, width, height };
}

describe.skipIf(!haveOpenSlide())("scaled JPEG decoding (OpenSlide's NDPI levels) against libjpeg scale_denom", () => {
  for (const subsampling of ["4:2:0", "4:4:4"] as const) {
    it(`${subsampling} tissue JPEG at 1/2, 1/4, 1/8: within the JPEG tolerance of libjpeg's output`, async () => {
      const { rgb, width, height } = await picture();
      const jpeg = new Uint8Array(await sharp(rgb, { raw: { width, height, channels: 3 } }).jpeg({ quality: 85, chromaSubsampling: subsampling }).toBuffer());
      const file = path.join(dir, `t-${subsampling.replaceAll(":", "")}.jpg`);
      writeFileSync(file, jpeg);
      const sampling = parseJpegHeader(jpeg)?.sampling ?? [];
      for (const scale of [2, 4, 8]) {
        const ours = await decodeJpegScaled(jpeg, scale, sampling);
        const ref = libjpegScaled(file, scale);
        expect([ours.width, ours.height]).toEqual([width / scale, height / scale]);
        const d = diffStats(ours.data, ref);
        // JPEG tolerance of the issue (measured here: mean ≈ 0.3, max ≈ 5)
        expect(Math.max(...d.mean)).toBeLessThanOrEqual(1.0);
        expect(Math.max(...d.max)).toBeLessThanOrEqual(16);
      }
    });
  }
});
