import type { Rng } from "@osfm/nn";
import type { SlideBag } from "./types";

/** Feature-space augmentation of the original's PANDA training (SPEC §13.2). */
export interface BagAugmentOptions {
  /** Probability of adding N(0, noiseStd²) to both scales. @default 0.4 */
  noiseProb?: number;
  /** @default 0.01 */
  noiseStd?: number;
  /** Probability of element-wise dropout (no rescaling). @default 0.3 */
  dropoutProb?: number;
  /** Element drop rate. @default 0.05 */
  dropoutRate?: number;
}

/** A randomly augmented copy of a bag's features (coordinates shared); the input bag is not modified. */
export function augmentBag(bag: SlideBag, rng: Rng, options: BagAugmentOptions = {}): SlideBag {
  const { noiseProb = 0.4, noiseStd = 0.01, dropoutProb = 0.3, dropoutRate = 0.05 } = options;
  const noise = rng.uniform() < noiseProb;
  const drop = rng.uniform() < dropoutProb;
  if (!noise && !drop) return bag;
  const apply = (features: Float32Array): Float32Array => {
    const out = features.slice();
    for (let i = 0; i < out.length; i++) {
      if (noise) out[i] = (out[i] as number) + noiseStd * rng.normal();
      if (drop && rng.uniform() < dropoutRate) out[i] = 0;
    }
    return out;
  };
  return { ...bag, features05: apply(bag.features05), features20: apply(bag.features20) };
}
