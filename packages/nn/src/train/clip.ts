/**
 * Global L2 norm of all gradients, and (when `maxNorm` is finite) scales them in place so the norm
 * is at most `maxNorm`, as `torch.nn.utils.clip_grad_norm_` (coefficient maxNorm / (norm + 1e-6)).
 * Returns the norm before clipping (NaN/Inf propagate so callers can detect them).
 */
export function clipGradNorm(grads: Iterable<Float32Array>, maxNorm = Number.POSITIVE_INFINITY): number {
  const list = [...grads];
  let sq = 0;
  for (const g of list) for (let i = 0; i < g.length; i++) sq += (g[i] as number) * (g[i] as number);
  const norm = Math.sqrt(sq);
  if (Number.isFinite(maxNorm) && Number.isFinite(norm)) {
    const coef = maxNorm / (norm + 1e-6);
    if (coef < 1) for (const g of list) for (let i = 0; i < g.length; i++) g[i] = (g[i] as number) * coef;
  }
  return norm;
}
