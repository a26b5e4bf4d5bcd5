import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { computeQcOnImage } from "../src/compute";
import { renderQcOverlay } from "../src/overlay";
import { heImage } from "./support/he-image";

describe("renderQcOverlay", () => {
  it("tints tissue towards red and outlines pen in cyan, as a PNG of the thumbnail's size", async () => {
    const { image } = heImage({ seed: 4, pen: [40, 80, 175] });
    const qc = computeQcOnImage(image);
    const png = await renderQcOverlay(qc.thumbnail, qc.masks);
    const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    expect(info.format).toBe("raw");
    expect([info.width, info.height, info.channels]).toEqual([image.width, image.height, 3]);
    let tissueRed = 0;
    let tissueN = 0;
    let cyan = 0;
    for (let p = 0; p < image.width * image.height; p++) {
      const [r, g, b] = [data[p * 3]!, data[p * 3 + 1]!, data[p * 3 + 2]!];
      if (qc.masks.pen.data[p] && g === 255 && b === 255 && r === 0) cyan++;
      else if (qc.masks.tissue.data[p] && !qc.masks.pen.data[p]) {
        tissueN++;
        if (r > g + 80 && r > b + 80) tissueRed++;
      }
    }
    expect(tissueRed / tissueN).toBeGreaterThan(0.95);
    expect(cyan).toBeGreaterThan(100);
    await expect(renderQcOverlay(qc.thumbnail, { tissue: { ...qc.masks.tissue, width: 3 } })).rejects.toThrow(/tissue mask is 3x/);
  });
});
