import { sampleField, nearestIndex } from "./fields";
import type { SlideFields } from "./fields";
import type { SlideLayout } from "./layout";
import { hash32 } from "./random";

/** An RGB image for the slide's label/macro. */
export interface RgbImage {
  width: number;
  height: number;
  data: Uint8Array;
}

/** A slide label without text: white with a seeded 1-D barcode and a coloured stripe. */
export function renderLabel(layout: SlideLayout): RgbImage {
  const width = 400;
  const height = 300;
  const data = new Uint8Array(width * height * 3).fill(250);
  const bars: boolean[] = Array.from({ length: 80 }, (_, i) => (hash32(layout.seed, 555, i) & 3) !== 0);
  for (let y = 40; y < 160; y++) {
    for (let x = 40; x < 360; x++) {
      if (bars[Math.floor((x - 40) / 4)]) data.fill(20, (y * width + x) * 3, (y * width + x) * 3 + 3);
    }
  }
  const stripe = [(hash32(layout.seed, 556) & 127) + 64, (hash32(layout.seed, 557) & 127) + 64, 200];
  for (let y = 220; y < 260; y++) for (let x = 40; x < 360; x++) data.set(stripe, (y * width + x) * 3);
  return { width, height, data };
}

const INK: readonly (readonly [number, number, number])[] = [[40, 70, 200], [40, 150, 80], [30, 30, 35]];

/** A low-magnification photo of the whole glass slide: label on the left, tissue and pen on the right. */
export function renderMacro(layout: SlideLayout, fields: SlideFields, label: RgbImage): RgbImage {
  const height = 400;
  const area = Math.round((height * layout.widthUm) / layout.heightUm);
  const labelW = Math.round(height * 0.8);
  const width = labelW + area;
  const data = new Uint8Array(width * height * 3).fill(225);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < labelW; x++) {
      const sx = Math.min(label.width - 1, Math.floor((x / labelW) * label.width));
      const sy = Math.min(label.height - 1, Math.floor((y / height) * label.height));
      data.set(label.data.subarray((sy * label.width + sx) * 3, (sy * label.width + sx) * 3 + 3), (y * width + x) * 3);
    }
    for (let x = 0; x < area; x++) {
      const ux = ((x + 0.5) / area) * layout.widthUm;
      const uy = ((y + 0.5) / height) * layout.heightUm;
      const o = (y * width + labelW + x) * 3;
      if (sampleField(fields, fields.pen, ux, uy) > 0) data.set(INK[fields.penColor[nearestIndex(fields, ux, uy)] as number] as readonly number[], o);
      else if (sampleField(fields, fields.tissue, ux, uy) > 0) data.set([214, 140, 190], o);
    }
  }
  return { width, height, data };
}
