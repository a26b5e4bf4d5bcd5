import { readFileSync } from "node:fs";
import path from "node:path";
import { openSlide } from "@osfm/wsi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixturesDir, haveFixtures, python, tempDir } from "../../test/helpers";
import { readTileRgb } from "./read-tile";

const cmu = path.join(fixturesDir, "aperio_CMU-1-Small-Region.svs");
const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe.skipIf(!haveFixtures)("readTileRgb against OpenSlide + Pillow (the original's read_region → RGB → Resize(224))", () => {
  let slide: Awaited<ReturnType<typeof openSlide>>;
  beforeAll(async () => {
    slide = await openSlide(cmu);
  });
  afterAll(async () => slide.close());

  // Tolerance: none. @osfm/wsi decodes these JPEG tiles exactly as OpenSlide does and our resize is Pillow's.
  it("gives the original's 224×224 tiles byte for byte", async () => {
    const rows = [
      { scaleUmPerPx: 0.5, level: 0, x: 1078, y: 1451, readSizePx: 256 },
      { scaleUmPerPx: 0.5, level: 0, x: 0, y: 0, readSizePx: 256 },
      { scaleUmPerPx: 2, level: 0, x: 600, y: 900, readSizePx: 1024 },
    ];
    const out = path.join(tmp.dir, "ref.bin");
    python(
      `import sys, json, openslide
from PIL import Image
s = openslide.OpenSlide(sys.argv[1])
rows = json.loads(sys.argv[3])
with open(sys.argv[2], "wb") as f:
    for r in rows:
        rgba = s.read_region((r["x"], r["y"]), r["level"], (r["readSizePx"], r["readSizePx"]))
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        f.write(Image.alpha_composite(white, rgba).convert("RGB").resize((224, 224), Image.BILINEAR).tobytes())
print(json.dumps(True))`,
      [cmu, out, JSON.stringify(rows)],
    );
    const ref = new Uint8Array(readFileSync(out));
    for (const [k, row] of rows.entries()) {
      const ours = await readTileRgb(slide, row, 224);
      const theirs = ref.subarray(k * 224 * 224 * 3, (k + 1) * 224 * 224 * 3);
      let differing = 0;
      for (let i = 0; i < ours.length; i++) if (ours[i] !== theirs[i]) differing++;
      expect(differing).toBe(0);
    }
  });
});
