/**
 * The one shared look of every @osfm figure: font, sizes, colour-blind-safe colours, spines.
 * Figures never pick a colour or a font size of their own; they take it from here.
 */

/** Font family used in every SVG; `toPng` loads the matching TTF files from `dejavu-fonts-ttf`. */
export const FONT_FAMILY = "DejaVu Sans";

/** CSS pixels per inch in SVG user units; PNG scale = dpi / this. */
export const SVG_PX_PER_INCH = 96;

/**
 * Okabe & Ito (2008) palette, distinguishable with every common colour-vision deficiency.
 * Order: blue, vermillion, bluish green, orange, sky blue, reddish purple, yellow, black.
 */
export const OKABE_ITO = [
  "#0072B2",
  "#D55E00",
  "#009E73",
  "#E69F00",
  "#56B4E9",
  "#CC79A7",
  "#F0E442",
  "#000000",
] as const;

/** Marker shapes cycled with the palette so that more than 8 categories stay distinguishable. */
export const MARKER_SHAPES = ["circle", "square", "triangle", "diamond"] as const;

/** A marker shape name from {@link MARKER_SHAPES}. */
export type MarkerShape = (typeof MARKER_SHAPES)[number];

/** Theme values shared by all figures (sizes in SVG px at 96 px/in). */
export const theme = {
  fontFamily: FONT_FAMILY,
  /** 10 pt body text, as in the manuscript. */
  fontSize: 13.33,
  titleSize: 15,
  subtitleSize: 11.5,
  tickSize: 11.5,
  ink: "#222222",
  muted: "#666666",
  gridColour: "#e5e5e5",
  /** Main series colour (our model, the plotted metric). */
  primary: OKABE_ITO[0],
  /** Secondary series / comparison model. */
  secondary: OKABE_ITO[3],
  /** Threshold and reference lines: vermillion, dashed. */
  threshold: OKABE_ITO[1],
  /** Negative values (e.g. κ < 0). */
  negative: OKABE_ITO[1],
  /** Neutral bars (other models). */
  neutral: "#999999",
  dash: "6,4",
  /** Spines: only left and bottom are drawn; top and right are hidden. */
  spines: { top: false, right: false, left: true, bottom: true },
  /** Default figure size in inches. */
  widthIn: 6.5,
  heightIn: 4.5,
  margin: { top: 62, right: 24, bottom: 58, left: 72 },
} as const;

/** Categorical colour for category `i` (cycles the Okabe–Ito palette). */
export function categoryColour(i: number): string {
  return OKABE_ITO[((i % OKABE_ITO.length) + OKABE_ITO.length) % OKABE_ITO.length] as string;
}

/** Marker shape for category `i`: changes every full cycle of the palette. */
export function categoryShape(i: number): MarkerShape {
  const k = Math.floor(Math.max(0, i) / OKABE_ITO.length) % MARKER_SHAPES.length;
  return MARKER_SHAPES[k] as MarkerShape;
}

/** Series colours for the three grouped metrics (precision, recall, F1). */
export const METRIC_COLOURS = {
  precision: OKABE_ITO[0],
  recall: OKABE_ITO[3],
  f1: OKABE_ITO[2],
} as const;
