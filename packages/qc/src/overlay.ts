import type { RgbaImage } from "@osfm/wsi";
import sharp from "sharp";
import { QcError } from "./errors";
import type { QcMask } from "./types";

/** Options of `renderQcOverlay`. */
export interface QcOverlayOptions {
  /** Weight of the original pixel inside tissue (the rest is the tint); the original used 0.35. @default 0.35 */
  alpha?: number;
  /** Tint of tissue pixels, RGB. @default [255, 0, 0] */
  tissueColor?: readonly [number, number, number];
  /** Colour of the pen outline, RGB. @default [0, 255, 255] */
  penColor?: readonly [number, number, number];
}

function sameGrid(image: RgbaImage, mask: QcMask, name: string): void {
  if (mask.width !== image.width || mask.height !== image.height) {
    throw new QcError("BAD_IMAGE", "overlay", `${name} mask is ${mask.width}x${mask.height}, expected the thumbnail's ${image.width}x${image.height}`);
  }
}

/**
 * Renders the QC overlay for a person to check: tissue blended towards red (as the original's overlay),
 * pen regions outlined in cyan. Returns PNG bytes.
 */
export async function renderQcOverlay(
  thumbnail: RgbaImage,
  masks: { tissue: QcMask; pen?: QcMask },
  options: QcOverlayOptions = {},
): Promise<Buffer> {
  const { alpha = 0.35, tissueColor = [255, 0, 0], penColor = [0, 255, 255] } = options;
  const { width, height, data } = thumbnail;
  sameGrid(thumbnail, masks.tissue, "tissue");
  if (masks.pen) sameGrid(thumbnail, masks.pen, "pen");
  const out = Buffer.alloc(width * height * 3);
  const tissue = masks.tissue.data;
  for (let p = 0; p < width * height; p++) {
    for (let c = 0; c < 3; c++) {
      const v = data[p * 4 + c]!;
      out[p * 3 + c] = tissue[p] ? Math.trunc(alpha * v + (1 - alpha) * tissueColor[c]!) : v;
    }
  }
  const pen = masks.pen?.data;
  if (pen) {
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const p = y * width + x;
        if (!pen[p]) continue;
        const edge =
          x === 0 || y === 0 || x === width - 1 || y === height - 1 || !pen[p - 1] || !pen[p + 1] || !pen[p - width] || !pen[p + width];
        if (edge) for (let c = 0; c < 3; c++) out[p * 3 + c] = penColor[c]!;
      }
    }
  }
  return sharp(out, { raw: { width, height, channels: 3 } }).png().toBuffer();
}
