import { readdir } from "node:fs/promises";
import path from "node:path";
import { featureFilePath, readFeatureFile, scaleFolder } from "@osfm/backbone";
import { type SlideBag, tileCentresMm } from "@osfm/mil";
import { ByolMfrError } from "./errors";

/** Where phase 1 gets its bags: slide ids and a loader (called once per slide per epoch). */
export interface BagSource {
  readonly slideIds: readonly string[];
  load(slideId: string): Promise<SlideBag>;
}

/** A bag source over bags held in memory (tests, demos, callers that already loaded the features). */
export function memoryBags(bags: readonly SlideBag[]): BagSource {
  const byId = new Map<string, SlideBag>();
  bags.forEach((b, i) => byId.set(b.slideId ?? `slide_${i}`, b));
  return {
    slideIds: [...byId.keys()],
    async load(id) {
      const bag = byId.get(id);
      if (!bag) throw new ByolMfrError("BAD_BAG", `no bag for slide "${id}"`);
      return bag;
    },
  };
}

/** Options of {@link featureDirBags}. */
export interface FeatureDirBagsOptions {
  /** The features folder of a workspace (`features/`). */
  featureRoot: string;
  /** Encoder id folder under it, e.g. `convnext_tiny-3f2a9c01d4e5b6a7`. */
  encoderId: string;
  /** Level-0 µm/px of a slide (x, y); used to turn level-0 pixel coordinates into tile centres in mm. */
  mpp: (slideId: string) => { mppX: number; mppY: number };
  /** Physical side of a tile in µm at 0.5 and 2.0 µm/px. @default 256 px × scale: { 0.5: 128, 2: 512 } */
  tileUm?: { scale05: number; scale20: number };
  /** Restrict to these slides. @default every slide with files at both scales */
  slideIds?: readonly string[];
}

async function listIds(dir: string): Promise<Set<string>> {
  try {
    return new Set((await readdir(dir)).filter((f) => f.endsWith(".h5") && !f.startsWith(".")).map((f) => f.slice(0, -3)));
  } catch {
    return new Set();
  }
}

/** Slide ids that have feature files at both scales (G1 coverage and the phase-1 cohort). */
export async function slidesWithBothScales(featureRoot: string, encoderId: string): Promise<string[]> {
  const a = await listIds(path.join(featureRoot, encoderId, scaleFolder(0.5)));
  const b = await listIds(path.join(featureRoot, encoderId, scaleFolder(2)));
  return [...a].filter((id) => b.has(id)).sort();
}

/**
 * A bag source over @osfm/backbone feature files (`<featureRoot>/<encoderId>/scale0p5|scale2p0/<slide>.h5`):
 * slides need files at both scales; coordinates become tile centres in mm from the slide's true mpp.
 */
export async function featureDirBags(options: FeatureDirBagsOptions): Promise<BagSource> {
  const { featureRoot, encoderId, mpp, tileUm = { scale05: 128, scale20: 512 } } = options;
  const slideIds = options.slideIds ? [...options.slideIds] : await slidesWithBothScales(featureRoot, encoderId);
  if (slideIds.length === 0) throw new ByolMfrError("NO_SLIDES", "no slide has feature files at both 0.5 and 2.0 µm/px", path.join(featureRoot, encoderId));
  return {
    slideIds,
    async load(id) {
      const { mppX, mppY } = mpp(id);
      const part = async (scale: number, um: number) => {
        const file = featureFilePath(featureRoot, encoderId, scale, id);
        const f = await readFeatureFile(file);
        return { features: f.features, coords: tileCentresMm(f.coords, { mppX, mppY, tileSizeLevel0: um / mppX }), dim: f.dim };
      };
      const a = await part(0.5, tileUm.scale05);
      const b = await part(2, tileUm.scale20);
      return { slideId: id, features05: a.features, coords05: a.coords, features20: b.features, coords20: b.coords };
    },
  };
}
