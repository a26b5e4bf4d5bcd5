/** What a codec needs to know about the tile or strip it decodes. */
export interface DecodeContext {
  /** File the bytes come from (for error messages). */
  path: string;
  /** Pixel size of the encoded tile or strip. */
  width: number;
  height: number;
  samplesPerPixel: number;
  bitsPerSample: number;
  photometric: number;
  /** TIFF JPEGTables (tag 347) shared by every JPEG tile of the image. */
  jpegTables: Uint8Array | undefined;
}

/**
 * Decoded pixels of one tile or strip, interleaved 8-bit samples.
 * `colorReady` is true when the codec already produced RGB / gray display values (JPEG, JPEG 2000);
 * false when the samples are raw TIFF samples still subject to predictor and photometric handling.
 */
export interface DecodedPixels {
  data: Uint8Array;
  width: number;
  height: number;
  channels: number;
  colorReady: boolean;
}

/** A TIFF compression codec: encoded bytes in, pixels out. */
export interface Codec {
  readonly name: string;
  decode(data: Uint8Array, ctx: DecodeContext): Promise<DecodedPixels>;
}
