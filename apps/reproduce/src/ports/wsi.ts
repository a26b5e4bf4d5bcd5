/** The parts of @osfm/wsi the app uses (issue 3's fixed API), typed here so the app never compiles against another package's sources. */
export interface RgbaImagePort {
  width: number;
  height: number;
  data: Uint8Array;
}

/** An open slide (subset of @osfm/wsi `Slide`). */
export interface SlidePort {
  readonly path: string;
  readonly vendor: string;
  readonly levels: readonly { width: number; height: number; downsample: number }[];
  readonly mpp: { x: number; y: number } | undefined;
  readonly objectivePower: number | undefined;
  /** OpenSlide-style properties (`tiff.XResolution`, `tiff.ResolutionUnit`, …). */
  readonly properties: Readonly<Record<string, string>>;
  thumbnail(options?: { maxSize?: number }): Promise<RgbaImagePort>;
  close(): Promise<void>;
}

/** @osfm/wsi's module surface used here. */
export interface WsiPort {
  openSlide(path: string, options?: { cacheBytes?: number; workers?: number }): Promise<SlidePort>;
}
