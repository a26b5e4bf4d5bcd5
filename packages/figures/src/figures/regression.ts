/** Least-squares line and Pearson correlation, for scatter plots that show a fit. */

/** Result of {@link linearFit}: y ≈ intercept + slope·x, with Pearson r of (x, y). */
export interface LinearFit {
  slope: number;
  intercept: number;
  /** Pearson correlation coefficient; NaN when x or y is constant. */
  r: number;
  n: number;
}

/** Ordinary least-squares fit of y on x and Pearson's r (needs ≥ 2 points; NaN slope if x is constant). */
export function linearFit(x: readonly number[], y: readonly number[]): LinearFit {
  const n = x.length;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i] as number;
    my += y[i] as number;
  }
  mx /= n;
  my /= n;
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    const dx = (x[i] as number) - mx;
    const dy = (y[i] as number) - my;
    sxx += dx * dx;
    syy += dy * dy;
    sxy += dx * dy;
  }
  const slope = sxx > 0 ? sxy / sxx : Number.NaN;
  return { slope, intercept: my - slope * mx, r: sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : Number.NaN, n };
}
