/** OpenSlide's choice of level for a downsample: the last level whose downsample does not exceed it. */
export function bestLevelForDownsample(downsamples: readonly number[], downsample: number): number {
  if (downsamples.length === 0 || downsample < (downsamples[0] as number)) return 0;
  for (let i = 1; i < downsamples.length; i++) if (downsample < (downsamples[i] as number)) return i - 1;
  return downsamples.length - 1;
}

/**
 * The size Pillow's `Image.thumbnail((max, max))` gives an image of `width × height`
 * (what openslide-python's `get_thumbnail` returns): aspect kept, longest side at most `max`.
 */
export function thumbnailSize(width: number, height: number, max: number): { width: number; height: number } {
  let x = Math.floor(max);
  let y = Math.floor(max);
  if (x >= width && y >= height) return { width, height };
  const aspect = width / height;
  const roundAspect = (n: number, key: (v: number) => number): number => {
    const lo = Math.floor(n);
    const hi = Math.ceil(n);
    return Math.max(key(lo) <= key(hi) ? lo : hi, 1);
  };
  if (x / y >= aspect) x = roundAspect(y * aspect, (n) => Math.abs(aspect - n / y));
  else y = roundAspect(x / aspect, (n) => (n === 0 ? 0 : Math.abs(aspect - x / n)));
  return { width: x, height: y };
}
