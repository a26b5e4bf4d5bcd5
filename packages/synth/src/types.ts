/** A metastasis-like region of another class inside the tissue. */
export interface LesionOptions {
  /** Class inside the lesion. @default "carcinoma" */
  tissueClass?: string;
  /** Mean radius in µm. */
  radiusUm: number;
  /** Centre in µm from the top-left corner; placed inside tissue from the seed when omitted. */
  xUm?: number;
  yUm?: number;
}

/** Ink colours of pen marks. */
export type PenColor = "blue" | "green" | "black";

/** One pen stroke: a polyline in µm. */
export interface PenStroke {
  color: PenColor;
  widthUm: number;
  pointsUm: [number, number][];
}

/** A circular out-of-focus region. */
export interface BlurRegion {
  xUm: number;
  yUm: number;
  radiusUm: number;
  /** Gaussian blur sigma in µm at the centre (fades to 0 at the rim). */
  sigmaUm: number;
}

/** A tissue fold: a band where two layers overlap (darker), from (x1, y1) to (x2, y2). */
export interface Fold {
  x1Um: number;
  y1Um: number;
  x2Um: number;
  y2Um: number;
  halfWidthUm: number;
}

/** Options of {@link synthesizeSlide}; every field has a default. */
export interface SynthesizeSlideOptions {
  /** Slide width in µm. @default 4000 */
  widthUm?: number;
  /** Slide height in µm. @default 3000 */
  heightUm?: number;
  /** Level-0 pixel size in µm/px: 0.25 for a "40x" slide, 0.5 for "20x". @default 0.5 */
  mpp?: number;
  /** One class name, or a mixture `{ name: fraction }` laid out as patches of about 700 µm. @default "adenocarcinoma" */
  tissueClass?: string | Record<string, number>;
  /** Lesions: explicit regions, or a count of `carcinoma` lesions of 150–600 µm radius. @default [] */
  lesions?: LesionOptions[] | number;
  /** Staining centre: 0–4 or a name in `stainPresets`. @default 0 */
  center?: number | string;
  /** Pen marks: `true` = 2 strokes, a count, or explicit strokes. @default 0 */
  pen?: boolean | number | PenStroke[];
  /** Out-of-focus regions: `true` = 1, a count, or explicit regions. @default 0 */
  blur?: boolean | number | BlurRegion[];
  /** Tissue folds: `true` = 1, a count, or explicit folds. @default 0 */
  folds?: boolean | number | Fold[];
  /** `svs` (Aperio, vendor `aperio`) or `tiff` (generic pyramidal TIFF). @default "svs" */
  format?: "svs" | "tiff";
  /** Same seed, same bytes. @default 0 */
  seed?: number | string;
  /** Number of separate tissue pieces; random 1–3 from the seed when omitted. */
  tissuePieces?: number;
  /** JPEG quality of the tiles. @default 90 */
  quality?: number;
  /** Objective power written to the file. @default 40 when mpp ≤ 0.3, else 20 */
  objectivePower?: number;
  /** Text-free label: a seeded barcode pattern; set false to omit label and macro (svs only). @default true */
  associatedImages?: boolean;
  /**
   * Worker threads that render regions while the main thread encodes tiles; 0 renders on the main
   * thread. Output bytes do not depend on it. @default one per core beyond the first, at most 4
   * (0 when running from TypeScript sources without tsx)
   */
  workers?: number;
  /** Called with the fraction of rows written (0–1). */
  onProgress?: (fraction: number) => void;
  signal?: AbortSignal;
}

/** One lesion as written to the ground truth. */
export interface LesionTruth {
  tissueClass: string;
  xUm: number;
  yUm: number;
  radiusUm: number;
  /** Largest extent of the outline (µm): the CAMELYON size criterion. */
  maxDiameterUm: number;
  areaUm2: number;
  polygonUm: [number, number][];
}

/** Everything true about a synthetic slide; saved as `<stem>.truth.json` next to it. */
export interface SlideTruth {
  schema: "osfm-synth/slide@1";
  file: string;
  format: "svs" | "tiff";
  seed: number | string;
  mpp: number;
  objectivePower: number;
  widthPx: number;
  heightPx: number;
  widthUm: number;
  heightUm: number;
  center: string;
  /** Requested class mixture (fractions sum to 1). */
  tissueClass: Record<string, number>;
  /** Class with the largest share of tissue area (lesions included). */
  label: string;
  /** Measured share of tissue area per class (on the mask grid). */
  classFractions: Record<string, number>;
  lesions: LesionTruth[];
  pen: PenStroke[];
  blur: BlurRegion[];
  folds: Fold[];
  /** Fraction of the slide area covered by tissue / by pen ink (on the mask grid). */
  tissueFraction: number;
  penFraction: number;
  masks: {
    /** Level-0 pixels per mask pixel. */
    downsample: number;
    width: number;
    height: number;
    tissue: string;
    pen: string;
    lesion: string;
  };
}
