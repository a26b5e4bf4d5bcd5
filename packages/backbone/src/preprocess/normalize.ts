/** Per-channel mean and standard deviation applied after scaling pixels to [0, 1]. */
export interface Normalization {
  mean: readonly [number, number, number];
  std: readonly [number, number, number];
}

/** ImageNet statistics used by torchvision's ConvNeXt-Tiny and by the original NB05. */
export const IMAGENET_NORMALIZATION: Normalization = {
  mean: [0.485, 0.456, 0.406],
  std: [0.229, 0.224, 0.225],
};

const tables = new Map<string, Float32Array>();

/**
 * Lookup table `[3 × 256]`: for each channel and byte value, `((v / 255) - mean) / std` rounded to
 * float32 after every operation, as torchvision's `ToTensor` then `Normalize` compute it.
 */
function lookup(norm: Normalization): Float32Array {
  const key = `${norm.mean.join(",")}|${norm.std.join(",")}`;
  let table = tables.get(key);
  if (table === undefined) {
    table = new Float32Array(3 * 256);
    for (let c = 0; c < 3; c++) {
      const mean = Math.fround(norm.mean[c]!);
      const std = Math.fround(norm.std[c]!);
      for (let v = 0; v < 256; v++) {
        const scaled = Math.fround(v / 255);
        table[c * 256 + v] = Math.fround(Math.fround(scaled - mean) / std);
      }
    }
    tables.set(key, table);
  }
  return table;
}

/**
 * Converts `n` RGB tiles (HWC bytes, `side × side × 3` each) into the NCHW float32 tensor an encoder
 * takes: scaled to [0, 1], then normalised per channel.
 * @param out optional destination of length `n × 3 × side × side` (reused across batches)
 */
export function tilesToTensor(
  tiles: Uint8Array,
  n: number,
  side: number,
  norm: Normalization = IMAGENET_NORMALIZATION,
  out: Float32Array = new Float32Array(n * 3 * side * side),
): Float32Array {
  const table = lookup(norm);
  const plane = side * side;
  for (let t = 0; t < n; t++) {
    const src = t * plane * 3;
    const dst = t * plane * 3;
    for (let p = 0; p < plane; p++) {
      const s = src + p * 3;
      out[dst + p] = table[tiles[s]!]!;
      out[dst + plane + p] = table[256 + tiles[s + 1]!]!;
      out[dst + 2 * plane + p] = table[512 + tiles[s + 2]!]!;
    }
  }
  return out;
}
