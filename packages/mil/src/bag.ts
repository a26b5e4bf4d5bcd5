import { MilInputError } from "./errors";
import type { SlideBag } from "./types";

/** The scale value (µm/px) that enters the position MLP for each half of the token sequence. */
export const SCALES = { scale05: 0.5, scale20: 2.0 } as const;

/** Token counts of a bag after validation. */
export interface BagCounts {
  n05: number;
  n20: number;
}

/**
 * Checks a bag's shapes and values: both scales present and non-empty, features `[n, dim]`,
 * coordinates `[n, 2]`, everything finite. Throws {@link MilInputError} naming the slide.
 */
export function validateBag(bag: SlideBag, dim: number): BagCounts {
  const id = bag.slideId ?? "<bag>";
  const check = (features: Float32Array | undefined, coords: Float32Array | undefined, scale: string): number => {
    if (!features || !coords) throw new MilInputError("MISSING_SCALE", id, `no tokens at ${scale} µm/px (both scales are required)`);
    if (features.length === 0) throw new MilInputError("EMPTY_BAG", id, `bag at ${scale} µm/px is empty`);
    if (features.length % dim !== 0) {
      throw new MilInputError("BAD_SHAPE", id, `features at ${scale} µm/px have ${features.length} values, not a multiple of dim ${dim}`);
    }
    const n = features.length / dim;
    if (coords.length !== 2 * n) {
      throw new MilInputError("BAD_SHAPE", id, `coords at ${scale} µm/px have ${coords.length} values, expected [${n}, 2]`);
    }
    for (let i = 0; i < features.length; i++) {
      if (!Number.isFinite(features[i])) {
        throw new MilInputError("NOT_FINITE", id, `feature ${features[i]} at token ${Math.floor(i / dim)}, dim ${i % dim} (${scale} µm/px)`);
      }
    }
    for (let i = 0; i < coords.length; i++) {
      if (!Number.isFinite(coords[i])) throw new MilInputError("NOT_FINITE", id, `coordinate ${coords[i]} at token ${i >> 1} (${scale} µm/px)`);
    }
    return n;
  };
  return { n05: check(bag.features05, bag.coords05, "0.5"), n20: check(bag.features20, bag.coords20, "2.0") };
}

/** A padded batch of concatenated 0.5 + 2.0 tokens, ready to feed a MILTransformer graph. */
export interface CollatedBatch {
  /** x: [B, T, dim] float32 */
  x: Float32Array;
  /** pos: [B, T, 3] float32: x mm, y mm, scale µm/px */
  pos: Float32Array;
  /** pad: [B, T] bool as uint8, 1 = padding */
  pad: Uint8Array;
  batch: number;
  tokens: number;
  counts: BagCounts[];
}

/** Concatenates each bag's 0.5 then 2.0 tokens and pads the batch to its longest bag. */
export function collateBags(bags: readonly SlideBag[], dim: number): CollatedBatch {
  if (bags.length === 0) throw new MilInputError("EMPTY_BAG", "<batch>", "a batch needs at least one bag");
  const counts = bags.map((b) => validateBag(b, dim));
  const tokens = Math.max(...counts.map((c) => c.n05 + c.n20));
  const batch = bags.length;
  const x = new Float32Array(batch * tokens * dim);
  const pos = new Float32Array(batch * tokens * 3);
  const pad = new Uint8Array(batch * tokens).fill(1);
  bags.forEach((bag, b) => {
    const { n05, n20 } = counts[b] as BagCounts;
    const parts: [Float32Array, Float32Array, number, number][] = [
      [bag.features05, bag.coords05, SCALES.scale05, n05],
      [bag.features20, bag.coords20, SCALES.scale20, n20],
    ];
    let t = 0;
    for (const [features, coords, scale, n] of parts) {
      x.set(features, (b * tokens + t) * dim);
      for (let i = 0; i < n; i++, t++) {
        const o = (b * tokens + t) * 3;
        pos[o] = coords[2 * i] as number;
        pos[o + 1] = coords[2 * i + 1] as number;
        pos[o + 2] = scale;
        pad[b * tokens + t] = 0;
      }
    }
  });
  return { x, pos, pad, batch, tokens, counts };
}
