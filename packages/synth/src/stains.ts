/** Stain appearance per centre: Beer–Lambert optical-density vectors, dye strengths and glass colour. */
export interface StainSpec {
  /** Haematoxylin optical density per unit concentration, RGB. */
  hematoxylin: readonly [number, number, number];
  /** Eosin optical density per unit concentration, RGB. */
  eosin: readonly [number, number, number];
  /** Multiplies haematoxylin concentration (stain intensity). */
  hScale: number;
  /** Multiplies eosin concentration. */
  eScale: number;
  /** Colour of empty glass, RGB 0–255. */
  background: readonly [number, number, number];
}

/** Concentration range covered by the colour lookup table (quantised to 256 steps each). */
export const H_MAX = 2.4;
export const E_MAX = 1.6;

const base: StainSpec = {
  hematoxylin: [0.65, 0.72, 0.29],
  eosin: [0.05, 0.9, 0.33],
  hScale: 1,
  eScale: 1,
  background: [244, 242, 245],
};

/**
 * How far the centres' stains sit from the base stain (1 = the listed values). Half-way keeps centre-grouped
 * validation meaningful (centres are told apart from colour alone) while tissue classes still differ more
 * than centres do, as in multi-site cohorts such as TCGA.
 */
export const CENTER_STAIN_SPREAD = 0.35;

function blend(a: readonly number[], b: readonly number[], t: number): [number, number, number] {
  return [0, 1, 2].map((i) => (a[i] as number) + t * ((b[i] as number) - (a[i] as number))) as [number, number, number];
}

function shift(h: [number, number, number], e: [number, number, number], hScale: number, eScale: number, bg: [number, number, number], spread = CENTER_STAIN_SPREAD): StainSpec {
  return {
    hematoxylin: blend(base.hematoxylin, h, spread),
    eosin: blend(base.eosin, e, spread),
    hScale: base.hScale + spread * (hScale - base.hScale),
    eScale: base.eScale + spread * (eScale - base.eScale),
    background: blend(base.background, bg, spread).map(Math.round) as [number, number, number],
  };
}

/**
 * Stain presets by name. `center-0` … `center-4` differ in hue, saturation and intensity as
 * laboratories do, so centre-grouped validation is meaningful; PANDA's two providers have their own.
 * Add an entry to define another centre.
 */
export const stainPresets = new Map<string, StainSpec>([
  ["center-0", base],
  ["center-1", shift([0.55, 0.74, 0.38], [0.05, 0.9, 0.28], 1.15, 0.85, [240, 240, 243])],
  ["center-2", shift([0.7, 0.68, 0.22], [0.12, 1.0, 0.12], 0.85, 1.2, [246, 244, 240])],
  ["center-3", shift([0.6, 0.76, 0.32], [0.03, 0.85, 0.3], 1.05, 1.05, [238, 238, 242])],
  ["center-4", shift([0.68, 0.66, 0.33], [0.1, 1.05, 0.16], 0.95, 0.75, [247, 245, 247])],
  ["karolinska", shift([0.62, 0.74, 0.3], [0.06, 0.92, 0.22], 1.1, 0.9, [242, 241, 244])],
  ["radboud", shift([0.7, 0.7, 0.26], [0.1, 1.0, 0.15], 0.9, 1.15, [246, 243, 243])],
  // a faded, pale slide (weak staining, bright glass): the case the Otsu tissue rule is for
  ["pale", shift([0.65, 0.72, 0.29], [0.05, 0.9, 0.33], 0.45, 0.45, [248, 247, 248], 1)],
]);

/** Resolves a centre given as a number (0–4 → `center-N`) or a preset name. */
export function stainFor(center: number | string): { name: string; spec: StainSpec } {
  const name = typeof center === "number" ? `center-${center}` : center;
  const spec = stainPresets.get(name);
  if (!spec) throw new RangeError(`unknown center "${name}", expected one of ${[...stainPresets.keys()].join(", ")}`);
  return { name, spec };
}

/**
 * RGB for every quantised (haematoxylin, eosin) pair: `lut[(h << 8 | e) * 3 + c]`, h over [0, H_MAX],
 * e over [0, E_MAX]. Rendering looks colours up instead of evaluating exp() per pixel.
 */
export function buildStainLut(spec: StainSpec): Uint8Array {
  const lut = new Uint8Array(256 * 256 * 3);
  for (let h = 0; h < 256; h++) {
    const ch = (h / 255) * H_MAX * spec.hScale;
    for (let e = 0; e < 256; e++) {
      const ce = (e / 255) * E_MAX * spec.eScale;
      const o = ((h << 8) | e) * 3;
      for (let c = 0; c < 3; c++) {
        const od = ch * (spec.hematoxylin[c] as number) + ce * (spec.eosin[c] as number);
        lut[o + c] = Math.round((spec.background[c] as number) * Math.exp(-od));
      }
    }
  }
  return lut;
}
