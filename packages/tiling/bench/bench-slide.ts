import { existsSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { synthesizeSlide } from "@osfm/synth";

/**
 * Writes (once, then reuses from the temp dir) a `width` × `height` synthetic H&E Aperio SVS at 0.25 µm/px
 * with two pen strokes, using `@osfm/synth`. Returns its path.
 */
export async function benchSlide(width: number, height: number): Promise<string> {
  const dir = path.join(tmpdir(), "osfm-bench");
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `qc-tiling-synth-${width}x${height}.svs`);
  if (existsSync(file.replace(/\.svs$/, ".truth.json"))) return file;
  await synthesizeSlide(file, { widthUm: width * 0.25, heightUm: height * 0.25, mpp: 0.25, pen: 2, seed: "bench" });
  return file;
}
