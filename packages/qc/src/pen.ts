import { QcError } from "./errors";
import type { HsvPlanes } from "./hsv";

/** A pen rule: HSV planes in, a 0/1 mask out. */
export type PenRule = (planes: HsvPlanes) => Uint8Array;

/** One ink band on PIL's 0–255 H, S, V scale (inclusive bounds). */
export interface InkBand {
  name: string;
  hMin: number;
  hMax: number;
  sMin: number;
  sMax: number;
  vMin: number;
  vMax: number;
}

/**
 * The default ink bands. Blue ink is 180°–248° and strongly saturated (S ≥ 150/255): over glass it sits near
 * 225°, over eosin it turns violet-blue (≈ 241°) but stays far more saturated than hematoxylin, whose purple
 * is at 250°–300°. Green ink is 60°–180°, which H&E never reaches. Black ink is dark (V ≤ 70) and weakly
 * saturated (S ≤ 100), unlike dense hematoxylin, which is dark but saturated purple. Eosin pink
 * (300°–360°) is in none of them. Checked on the real CMU-1 fixture (< 0.5 % pen, which is its teal
 * marking dye) and on synthetic slides with known strokes.
 */
export const DEFAULT_INK_BANDS: readonly InkBand[] = [
  { name: "blue", hMin: 128, hMax: 176, sMin: 150, sMax: 255, vMin: 30, vMax: 250 },
  { name: "green", hMin: 43, hMax: 127, sMin: 50, sMax: 255, vMin: 30, vMax: 250 },
  { name: "black", hMin: 0, hMax: 255, sMin: 0, sMax: 100, vMin: 0, vMax: 70 },
];

/** Builds a pen rule from ink bands: a pixel is pen when it falls in any band. */
export function inkBandsRule(bands: readonly InkBand[]): PenRule {
  if (bands.length > 31) throw new QcError("BAD_OPTION", "inkBands", `at most 31 ink bands are supported, got ${bands.length}`);
  // one bit per band in three 256-entry tables: a pixel is in band k when bit k is set for its H, S and V
  const hBits = new Int32Array(256);
  const sBits = new Int32Array(256);
  const vBits = new Int32Array(256);
  bands.forEach((b, k) => {
    for (let x = 0; x < 256; x++) {
      if (x >= b.hMin && x <= b.hMax) hBits[x]! |= 1 << k;
      if (x >= b.sMin && x <= b.sMax) sBits[x]! |= 1 << k;
      if (x >= b.vMin && x <= b.vMax) vBits[x]! |= 1 << k;
    }
  });
  return (planes) => {
    const { h, s, v } = planes;
    const mask = new Uint8Array(h.length);
    for (let i = 0; i < h.length; i++) mask[i] = (hBits[h[i]!]! & sBits[s[i]!]! & vBits[v[i]!]!) !== 0 ? 1 : 0;
    return mask;
  };
}

/** The original NB03 band: 170 ≤ H ≤ 255 and S ≥ 60 (it also catches eosin pink; kept for paper parity). */
const originalRule: PenRule = (planes) => {
  const { h, s } = planes;
  const mask = new Uint8Array(h.length);
  for (let i = 0; i < h.length; i++) mask[i] = h[i]! >= 170 && s[i]! >= 60 ? 1 : 0;
  return mask;
};

const penRules = new Map<string, PenRule>([
  ["inks", inkBandsRule(DEFAULT_INK_BANDS)],
  ["original", originalRule],
]);

/** Adds or replaces a pen rule under `name` so `computeQc({ penRule: name })` can use it. */
export function registerPenRule(name: string, rule: PenRule): void {
  penRules.set(name, rule);
}

/** Looks up a pen rule; throws a QcError listing the known names when there is none. */
export function getPenRule(name: string): PenRule {
  const rule = penRules.get(name);
  if (!rule) throw new QcError("UNKNOWN_RULE", "penRule", `unknown pen rule "${name}"; known: ${[...penRules.keys()].join(", ")}`);
  return rule;
}
