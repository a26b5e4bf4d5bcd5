import { blobField, blobMaxRadius } from "./shapes";
import { nearestIndex, sampleField, type SlideFields } from "./fields";
import type { SlideLayout } from "./layout";

/** Ground-truth masks on a grid of `downsample` level-0 pixels, sampled at each mask pixel's centre. */
export interface TruthMasks {
  downsample: number;
  width: number;
  height: number;
  /** 255 = tissue. */
  tissue: Uint8Array;
  /** 255 = pen ink. */
  pen: Uint8Array;
  /** 255 = inside a lesion (and tissue). */
  lesion: Uint8Array;
  /** Class index per mask pixel (meaningful where tissue). */
  cls: Uint8Array;
}

/** Power-of-two downsample that keeps the longer mask side at most 1024 px (at least 1). */
export function maskDownsample(widthPx: number, heightPx: number): number {
  let d = 1;
  while (Math.max(widthPx, heightPx) / d > 1024) d *= 2;
  return d;
}

export function computeMasks(layout: SlideLayout, fields: SlideFields): TruthMasks {
  const downsample = maskDownsample(layout.widthPx, layout.heightPx);
  const width = Math.ceil(layout.widthPx / downsample);
  const height = Math.ceil(layout.heightPx / downsample);
  const n = width * height;
  const m: TruthMasks = { downsample, width, height, tissue: new Uint8Array(n), pen: new Uint8Array(n), lesion: new Uint8Array(n), cls: new Uint8Array(n) };
  const scale = downsample * layout.mpp;
  for (let j = 0; j < height; j++) {
    const y = (j + 0.5) * scale;
    for (let i = 0; i < width; i++) {
      const x = (i + 0.5) * scale;
      const k = j * width + i;
      const inTissue = sampleField(fields, fields.tissue, x, y) > 0;
      m.tissue[k] = inTissue ? 255 : 0;
      m.pen[k] = sampleField(fields, fields.pen, x, y) > 0 ? 255 : 0;
      m.cls[k] = fields.cls[nearestIndex(fields, x, y)] as number;
      if (inTissue) {
        for (const l of layout.lesions) {
          const r = blobMaxRadius(l.blob);
          if ((x - l.blob.x) ** 2 + (y - l.blob.y) ** 2 < r * r && blobField(l.blob, x, y) > 0) m.lesion[k] = 255;
        }
      }
    }
  }
  return m;
}
