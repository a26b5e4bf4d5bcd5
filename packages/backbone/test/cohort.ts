import { mkdirSync, symlinkSync } from "node:fs";
import path from "node:path";
import { tileSlide, writeManifest } from "@osfm/tiling";
import { openSlide } from "@osfm/wsi";
import { fixturesDir } from "./helpers";

/**
 * A small cohort for CLI tests: `ids.length` slides (symlinks to the real CMU-1 region) under `<dir>/slides`
 * and their @osfm/tiling Arrow manifests under `<dir>/manifests`, tiled over a full-tissue mask.
 */
export async function makeCohort(dir: string, ids: readonly string[], budgets: Record<number, number>): Promise<{ slides: string; manifests: string }> {
  const slides = path.join(dir, "slides");
  const manifests = path.join(dir, "manifests");
  mkdirSync(slides, { recursive: true });
  mkdirSync(manifests, { recursive: true });
  for (const id of ids) {
    const file = path.join(slides, `${id}.svs`);
    symlinkSync(path.join(fixturesDir, "aperio_CMU-1-Small-Region.svs"), file);
    const slide = await openSlide(file);
    const mask = { width: 111, height: 148, downsample: 20, data: new Uint8Array(111 * 148).fill(1) };
    await writeManifest(tileSlide(slide, mask, { slideId: id, budgets }), path.join(manifests, `${id}.arrow`));
    await slide.close();
  }
  return { slides, manifests };
}
