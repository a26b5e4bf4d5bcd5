/** Undoes TIFF horizontal differencing (Predictor = 2) for 8-bit interleaved samples, in place. */
export function undoHorizontalPredictor(data: Uint8Array, width: number, height: number, channels: number): void {
  const row = width * channels;
  for (let y = 0; y < height; y++) {
    const base = y * row;
    for (let i = base + channels; i < base + row; i++) data[i] = ((data[i] as number) + (data[i - channels] as number)) & 0xff;
  }
}
