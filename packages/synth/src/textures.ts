import { hash32, Rng } from "./random";

/** Side of the periodic textures (power of two, indexed with `& (TEX - 1)`). */
export const TEX = 512;

/**
 * Stroma fibre texture: wavy oriented bands about 3–5 µm apart, periodic over TEX half-µm
 * (256 µm), values around 1 (multiplies eosin). Index `((y & 511) << 9) | (x & 511)` with x, y in half-µm.
 */
export function fibreTexture(seed: number): Float32Array {
  const rng = new Rng(hash32(seed, 77));
  const waves = Array.from({ length: 7 }, () => {
    const angle = rng.range(0, Math.PI);
    const period = rng.range(6, 11);
    const k = TEX / period;
    return {
      kx: Math.round(k * Math.cos(angle)),
      ky: Math.round(k * Math.sin(angle)),
      wx: rng.int(-2, 2),
      wy: rng.int(1, 3),
      phase: rng.range(0, 2 * Math.PI),
      amp: rng.range(0.5, 1),
    };
  });
  const out = new Float32Array(TEX * TEX);
  const w = (2 * Math.PI) / TEX;
  let min = Infinity;
  let max = -Infinity;
  for (let y = 0; y < TEX; y++) {
    for (let x = 0; x < TEX; x++) {
      let s = 0;
      for (const v of waves) {
        const warp = 2.5 * Math.sin(w * (v.wx * x + v.wy * y) + v.phase);
        s += v.amp * Math.sin(w * (v.kx * x + v.ky * y) + warp);
      }
      out[y * TEX + x] = s;
      if (s < min) min = s;
      if (s > max) max = s;
    }
  }
  for (let i = 0; i < out.length; i++) out[i] = 0.6 + 0.65 * (((out[i] as number) - min) / (max - min));
  return out;
}

/** Chromatin texture for nuclei: blotchy values in [0.7, 1.1], periodic over TEX pixels. */
export function chromatinTexture(seed: number): Float32Array {
  const out = new Float32Array(TEX * TEX);
  // Value noise at two scales (4 and 2 px), periodic.
  const lattice = (x: number, y: number, scale: number) => (hash32(seed, 91, scale, (x / scale) & (TEX / scale - 1), (y / scale) & (TEX / scale - 1)) / 4294967296);
  const smooth = (x: number, y: number, scale: number) => {
    const x0 = Math.floor(x / scale) * scale;
    const y0 = Math.floor(y / scale) * scale;
    const tx = (x - x0) / scale;
    const ty = (y - y0) / scale;
    const a = lattice(x0, y0, scale);
    const b = lattice(x0 + scale, y0, scale);
    const c = lattice(x0, y0 + scale, scale);
    const d = lattice(x0 + scale, y0 + scale, scale);
    return (a * (1 - tx) + b * tx) * (1 - ty) + (c * (1 - tx) + d * tx) * ty;
  };
  for (let y = 0; y < TEX; y++) {
    for (let x = 0; x < TEX; x++) out[y * TEX + x] = 0.7 + 0.4 * (0.6 * smooth(x, y, 4) + 0.4 * smooth(x, y, 2));
  }
  return out;
}
