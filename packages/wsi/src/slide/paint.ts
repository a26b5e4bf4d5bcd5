/**
 * Painting decoded tiles into a region the way OpenSlide 3.4 does with cairo/pixman:
 * tiles are drawn from the last (bottom-right) to the first with the OVER operator into a premultiplied
 * ARGB buffer; a fractional tile position (level coordinates are level-0 coordinates / downsample)
 * samples the tile bilinearly with 7-bit weights and a transparent border, as pixman does.
 */

/** Premultiplies an RGBA tile in place-free fashion (a new array only when some alpha is partial). */
export function premultiply(tile: Uint8Array): Uint8Array {
  let partial = false;
  for (let i = 3; i < tile.length; i += 4) {
    const a = tile[i] as number;
    if (a !== 255 && a !== 0) { partial = true; break; }
  }
  if (!partial) return tile;
  const out = tile.slice();
  for (let i = 0; i < out.length; i += 4) {
    const a = out[i + 3] as number;
    if (a === 255) continue;
    out[i] = mulUn8(out[i] as number, a);
    out[i + 1] = mulUn8(out[i + 1] as number, a);
    out[i + 2] = mulUn8(out[i + 2] as number, a);
  }
  return out;
}

/** pixman's rounded 8-bit multiply: a·b/255. */
export function mulUn8(a: number, b: number): number {
  const t = a * b + 0x80;
  return ((t >> 8) + t) >> 8;
}

/**
 * Draws one premultiplied RGBA tile (`tw × th`) whose top-left corner lands at fractional
 * destination position (`ox`, `oy`) into the premultiplied destination `dest` (`w × h`) with OVER.
 */
export function paintTileBilinear(
  dest: Uint8Array, w: number, h: number,
  tile: Uint8Array, tw: number, th: number,
  ox: number, oy: number,
): void {
  // 16.16 fixed-point sample position of destination pixel 0, minus the half-pixel pixman subtracts.
  const baseX = Math.round((0.5 - ox) * 65536) - 32768;
  const baseY = Math.round((0.5 - oy) * 65536) - 32768;
  const distX = (baseX >> 9) & 0x7f;
  const distY = (baseY >> 9) & 0x7f;
  const x0 = Math.floor(baseX / 65536); // source column sampled by destination column 0
  const y0 = Math.floor(baseY / 65536);
  const iStart = Math.max(0, -x0 - 1);
  const iEnd = Math.min(w, tw - x0);
  const jStart = Math.max(0, -y0 - 1);
  const jEnd = Math.min(h, th - y0);
  const wTL = (128 - distX) * (128 - distY);
  const wTR = distX * (128 - distY);
  const wBL = (128 - distX) * distY;
  const wBR = distX * distY;
  for (let j = jStart; j < jEnd; j++) {
    const sy = y0 + j;
    const rowT = sy >= 0 && sy < th ? sy * tw * 4 : -1;
    const rowB = sy + 1 >= 0 && sy + 1 < th ? (sy + 1) * tw * 4 : -1;
    let d = (j * w + iStart) * 4;
    for (let i = iStart; i < iEnd; i++, d += 4) {
      const sx = x0 + i;
      const inL = sx >= 0 && sx < tw;
      const inR = sx + 1 >= 0 && sx + 1 < tw;
      const tl = rowT >= 0 && inL ? rowT + sx * 4 : -1;
      const tr = rowT >= 0 && inR ? rowT + (sx + 1) * 4 : -1;
      const bl = rowB >= 0 && inL ? rowB + sx * 4 : -1;
      const br = rowB >= 0 && inR ? rowB + (sx + 1) * 4 : -1;
      const a = sample(tile, tl, tr, bl, br, 3, wTL, wTR, wBL, wBR);
      if (a === 0) {
        // Premultiplied: every channel is 0 too; OVER leaves dest unchanged.
        continue;
      }
      const r = sample(tile, tl, tr, bl, br, 0, wTL, wTR, wBL, wBR);
      const g = sample(tile, tl, tr, bl, br, 1, wTL, wTR, wBL, wBR);
      const b = sample(tile, tl, tr, bl, br, 2, wTL, wTR, wBL, wBR);
      if (a === 255 || dest[d + 3] === 0) {
        dest[d] = r; dest[d + 1] = g; dest[d + 2] = b; dest[d + 3] = a;
      } else {
        const ia = 255 - a;
        dest[d] = r + mulUn8(dest[d] as number, ia);
        dest[d + 1] = g + mulUn8(dest[d + 1] as number, ia);
        dest[d + 2] = b + mulUn8(dest[d + 2] as number, ia);
        dest[d + 3] = a + mulUn8(dest[d + 3] as number, ia);
      }
    }
  }
}

function sample(t: Uint8Array, tl: number, tr: number, bl: number, br: number, c: number,
  wTL: number, wTR: number, wBL: number, wBR: number): number {
  const s = (tl >= 0 ? (t[tl + c] as number) * wTL : 0) + (tr >= 0 ? (t[tr + c] as number) * wTR : 0) +
    (bl >= 0 ? (t[bl + c] as number) * wBL : 0) + (br >= 0 ? (t[br + c] as number) * wBR : 0);
  return s >> 14;
}

/** Un-premultiplies in place exactly as openslide-python does (truncating 255·c/a). */
export function unpremultiply(data: Uint8Array): void {
  for (let i = 0; i < data.length; i += 4) {
    const a = data[i + 3] as number;
    if (a === 255 || a === 0) continue;
    data[i] = Math.floor((255 * (data[i] as number)) / a);
    data[i + 1] = Math.floor((255 * (data[i + 1] as number)) / a);
    data[i + 2] = Math.floor((255 * (data[i + 2] as number)) / a);
  }
}
