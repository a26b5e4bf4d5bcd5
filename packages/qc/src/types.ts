import type { RgbaImage } from "@osfm/wsi";

/**
 * A binary mask on the QC thumbnail grid: `data[y * width + x]` is 1 inside, 0 outside.
 * `downsample` is level-0 pixels per mask pixel along x (the thumbnail keeps the slide's aspect ratio).
 */
export interface QcMask {
  width: number;
  height: number;
  downsample: number;
  data: Uint8Array;
}

/** Names of the built-in tissue rules; more can be added with `registerTissueRule`. */
export type TissueRuleName = "hsv" | "otsu";

/** Names of the built-in pen rules; more can be added with `registerPenRule`. */
export type PenRuleName = "inks" | "original";

/** The exclusion thresholds; the defaults are the original NB03 values. */
export interface QcThresholds {
  /** Exclude when the tissue fraction is below this. @default 0.10 */
  minTissuePct?: number;
  /** Exclude when the white fraction is above this. @default 0.75 */
  maxWhitePct?: number;
  /** Exclude when the Laplacian variance over tissue is below this. @default 15.0 */
  minBlurVar?: number;
  /** Exclude when the pen fraction is above this. @default 0.02 */
  maxPenPct?: number;
}

/** Thresholds of the HSV rules, on PIL's 0–255 H, S, V scale. The defaults are the original's. */
export interface HsvThresholds {
  /** Tissue needs S ≥ this. @default 20 */
  tissueSatMin?: number;
  /** Tissue needs V < this; white needs V ≥ this. @default 230 */
  whiteValMin?: number;
  /** White needs S ≤ this. @default 30 */
  whiteSatMax?: number;
}

/** The image-level options shared by `computeQc` and `computeQcOnImage`. */
export interface QcImageOptions {
  /** How tissue is found: the original fixed HSV rule, or Otsu on saturation for pale slides. @default "hsv" */
  tissueRule?: TissueRuleName | (string & {});
  /** How pen is found: blue/green/black ink bands, or the original H 170–255 band (which catches eosin). @default "inks" */
  penRule?: PenRuleName | (string & {});
  /** HSV thresholds (PIL 0–255 scale). */
  hsv?: HsvThresholds;
  /** Exclusion thresholds. */
  thresholds?: QcThresholds;
  /** Thumbnails whose longest side is below this are excluded with reason `thumb<N`. @default 64 */
  minThumbnailSide?: number;
  /** Level-0 width of the slide the image shows, for the masks' `downsample`. @default image width */
  level0Width?: number;
}

/** Options of `computeQc`. */
export interface QcOptions extends QcImageOptions {
  /** Longest side of the QC thumbnail in pixels. @default 1024 */
  thumbnailMaxSize?: number;
}

/** The QC of one slide. Fractions are over all thumbnail pixels (as the original). */
export interface QcResult {
  tissuePct: number;
  whitePct: number;
  penPct: number;
  /** Variance of the 4-neighbour Laplacian of the 8-bit grayscale thumbnail over tissue pixels; 0 without tissue. */
  blurVar: number;
  /** Mean V (0–255) over tissue pixels, or over the whole image without tissue. */
  brightnessMean: number;
  /** Mean S (0–255) over tissue pixels, or over the whole image without tissue. */
  saturationMean: number;
  excluded: boolean;
  /** Reason tokens (`low_tissue<0.10`, `white>0.75`, `blur<15.0`, `pen>0.02`, `no_tissue`, `thumb<64`); join with ";" for the original's column. */
  reasons: string[];
  /** Human-readable notes that do not exclude (e.g. a thumbnail smaller than requested). */
  warnings: string[];
  masks: { tissue: QcMask; white: QcMask; pen: QcMask };
  /** The RGB thumbnail (alpha flattened onto white) the masks were computed on. */
  thumbnail: RgbaImage;
  /** The rules that produced the masks, e.g. `{ tissue: "hsv", pen: "inks", tissueSatThreshold: 20 }`. */
  rules: { tissue: string; pen: string; tissueSatThreshold: number };
}
