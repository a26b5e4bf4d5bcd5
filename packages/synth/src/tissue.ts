import type { SlideLayout } from "./layout";
import { blobField, blobMaxRadius } from "./shapes";

/** Approximate signed distance (µm) to the tissue boundary: positive inside tissue. */
export function tissueAt(layout: SlideLayout, x: number, y: number): number {
  let best = -Infinity;
  for (const p of layout.pieces) {
    // Beyond the blob's largest radius, (largest radius - distance) bounds the field from above and
    // is exact enough there; it skips the harmonics for most points.
    const rmax = blobMaxRadius(p.outline);
    const r = Math.hypot(x - p.outline.x, y - p.outline.y);
    let f = r > rmax ? rmax - r : blobField(p.outline, x, y);
    if (f > 0) {
      for (const h of p.holes) {
        const hr = Math.hypot(x - h.x, y - h.y) - blobMaxRadius(h);
        f = Math.min(f, hr > 0 ? hr : -blobField(h, x, y));
      }
    }
    if (f > best) best = f;
  }
  return best;
}
