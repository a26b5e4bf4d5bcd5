import { existsSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { writeSlide } from "@osfm/wsi";

/** A 512-px H&E-like texture tile (RGB), repeated inside the tissue region of the bench slide. */
function texture(): Uint8Array {
  const n = 512;
  const t = new Uint8Array(n * n * 3);
  for (let y = 0; y < n; y++)
    for (let x = 0; x < n; x++) {
      const s = 0.5 + 0.25 * Math.sin((x * 2 * Math.PI) / 64 + Math.sin((y * 2 * Math.PI) / 256)) + 0.25 * Math.sin((y * 2 * Math.PI) / 32);
      const nuc = Math.sin((x * 2 * Math.PI) / 16) * Math.sin((y * 2 * Math.PI) / 16) > 0.7 ? 1 : 0;
      const p = (y * n + x) * 3;
      t[p] = 230 - 60 * s - 80 * nuc;
      t[p + 1] = 150 - 70 * s - 60 * nuc;
      t[p + 2] = 200 - 40 * s - 30 * nuc;
    }
  return t;
}

/**
 * Writes (once, then reuses) a `width` × `height` Aperio SVS at 0.25 µm/px: white glass with an elliptic
 * tissue region of H&E-like texture and a blue pen stroke. Returns its path.
 */
export async function procedural(width: number, height: number): Promise<string> {
  const dir = path.join(tmpdir(), "osfm-bench");
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `qc-tiling-${width}x${height}.svs`);
  if (existsSync(file)) return file;
  const tex = texture();
  await writeSlide(file, {
    width,
    height,
    mpp: 0.25,
    objectivePower: 40,
    readRegion(x0, y0, w, h) {
      const out = new Uint8Array(w * h * 3).fill(244);
      for (let j = 0; j < h; j++) {
        const y = y0 + j;
        const dy = (y - height / 2) / (height * 0.36);
        const penY = height * 0.12 + height * 0.03 * Math.sin(x0 / 5000);
        for (let i = 0; i < w; i++) {
          const x = x0 + i;
          const dx = (x - width / 2) / (width * 0.4);
          const p = (j * w + i) * 3;
          if (Math.abs(y - penY) < height * 0.004 && x > width * 0.2 && x < width * 0.8) {
            out[p] = 40;
            out[p + 1] = 80;
            out[p + 2] = 175;
          } else if (dx * dx + dy * dy <= 1) {
            const q = (((y & 511) << 9) + (x & 511)) * 3;
            out[p] = tex[q]!;
            out[p + 1] = tex[q + 1]!;
            out[p + 2] = tex[q + 2]!;
          }
        }
      }
      return out;
    },
  });
  return file;
}
