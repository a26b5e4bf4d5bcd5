import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

/** Font files of the `dejavu-fonts-ttf` package that the theme's "DejaVu Sans" needs (regular, bold, oblique). */
export const DEJAVU_SANS_FILES = ["DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf", "DejaVuSans-BoldOblique.ttf"] as const;

/**
 * Absolute paths of the DejaVu Sans TTF files shipped in the `dejavu-fonts-ttf` npm package, so
 * PNG rendering never depends on the fonts installed on the machine.
 */
export function defaultFontFiles(): string[] {
  return DEJAVU_SANS_FILES.map((f) => require.resolve(`dejavu-fonts-ttf/ttf/${f}`));
}
