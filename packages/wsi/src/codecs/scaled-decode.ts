/**
 * Scaled decoding of NDPI levels at 1/2, 1/4, 1/8, as OpenSlide offers them (libjpeg scaled output).
 * Measured against OpenSlide 3.4.1 the reduced output is, to within ±1, the mean of each `scale × scale`
 * group of full-resolution pixels, so that is what this computes (edges replicate the last pixel).
 */
export function boxDownscale(src: Uint8Array, width: number, height: number, channels: number, scale: number): { data: Uint8Array; width: number; height: number } {
  if (scale !== 2 && scale !== 4 && scale !== 8) throw new Error(`unsupported scale 1/${scale}`);
  const ow = Math.ceil(width / scale);
  const oh = Math.ceil(height / scale);
  const out = new Uint8Array(ow * oh * channels);
  const n = scale * scale;
  const half = n >> 1;
  for (let oy = 0; oy < oh; oy++) {
    for (let ox = 0; ox < ow; ox++) {
      for (let c = 0; c < channels; c++) {
        let sum = 0;
        for (let y = 0; y < scale; y++) {
          const sy = Math.min(height - 1, oy * scale + y);
          for (let x = 0; x < scale; x++) {
            const sx = Math.min(width - 1, ox * scale + x);
            sum += src[(sy * width + sx) * channels + c] as number;
          }
        }
        out[(oy * ow + ox) * channels + c] = Math.floor((sum + half) / n);
      }
    }
  }
  return { data: out, width: ow, height: oh };
}
