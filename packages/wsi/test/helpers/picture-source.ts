import type { SlideSource } from "../../src/index";
import { testPicture } from "./tiff-builder";

/** A `width × height` level-0 source of {@link testPicture} (RGB), served region by region; rows and columns past the edge stay 0. */
export function pictureSource(width: number, height: number): Pick<SlideSource, "width" | "height" | "readRegion"> {
  const full = testPicture(width, height);
  return {
    width,
    height,
    readRegion(x, y, w, h) {
      const out = new Uint8Array(w * h * 3);
      const n = Math.max(0, Math.min(w, width - x));
      for (let r = 0; r < h && y + r < height; r++) {
        out.set(full.subarray(((y + r) * width + x) * 3, ((y + r) * width + x + n) * 3), r * w * 3);
      }
      return out;
    },
  };
}
