/**
 * Otsu's threshold of an 8-bit histogram: the value t maximising the between-class variance of
 * {x ≤ t} and {x > t}. Returns 0 for a constant image.
 */
export function otsuThreshold(histogram: ArrayLike<number>): number {
  let total = 0;
  let sumAll = 0;
  for (let i = 0; i < 256; i++) {
    const c = histogram[i] ?? 0;
    total += c;
    sumAll += i * c;
  }
  if (total === 0) return 0;
  let wB = 0;
  let sumB = 0;
  let best = -1;
  let threshold = 0;
  for (let t = 0; t < 256; t++) {
    const c = histogram[t] ?? 0;
    wB += c;
    if (wB === 0) continue;
    const wF = total - wB;
    if (wF === 0) break;
    sumB += t * c;
    const mB = sumB / wB;
    const mF = (sumAll - sumB) / wF;
    const between = wB * wF * (mB - mF) * (mB - mF);
    if (between > best) {
      best = between;
      threshold = t;
    }
  }
  return threshold;
}

/** Histogram of an 8-bit plane: `[256]` counts. */
export function histogram256(plane: Uint8Array): Float64Array {
  const h = new Float64Array(256);
  for (let i = 0; i < plane.length; i++) h[plane[i]!]!++;
  return h;
}
