/**
 * Painting decoded tiles into a region exactly as OpenSlide 3.4 does with cairo 1.16 / pixman:
 * a premultiplied ARGB destination, tiles drawn from the last (bottom-right) to the first with the
 * SATURATE operator ("saturate those seams away"), and — when a tile lands at a fractional position
 * (level coordinates are level-0 coordinates / downsample) — cairo's GOOD filter, i.e. pixman's
 * separable convolution with a 2-tap box/tent kernel in 256 sub-pixel phases and 16.16 fixed-point weights.
 */

/** Premultiplies straight-alpha RGBA (a copy, only when some alpha is partial). */
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

/** pixman's rounded 8-bit multiply a·b/255. */
export function mulUn8(a: number, b: number): number {
  const t = a * b + 0x80;
  return ((t >> 8) + t) >> 8;
}

const f32 = Math.fround;
/** pixman's 8-bit → float table: v × (1/255) in float32. */
const UNORM8: Float32Array = (() => {
  const t = new Float32Array(256);
  const m = f32(1 / 255);
  for (let v = 0; v < 256; v++) t[v] = f32(v * m);
  return t;
})();

/** pixman's float → 8-bit store: truncate f·256, then fold 256 onto 255. */
function toUnorm8(f: number): number {
  const c = f > 1 ? 1 : f < 0 ? 0 : f;
  const u = Math.trunc(f32(c * 256));
  return u - (u >> 8);
}

/**
 * Draws one premultiplied RGBA tile (`tw × th`) whose top-left corner lands at fractional destination
 * position (`ox`, `oy`) into the premultiplied destination (`w × h`): a bilinear sample in float32 with a
 * transparent border, combined with SATURATE in float32, stored back to 8 bits — pixman's wide pipeline,
 * which is what OpenSlide 3.4.1 on cairo 1.16 / pixman 0.42 runs for these reads.
 */
export function paintTileFiltered(
  dest: Uint8Array, w: number, h: number,
  tile: Uint8Array, tw: number, th: number,
  ox: number, oy: number,
): void {
  // 16.16 position of (destination pixel centre − ½) in tile space, as pixman computes it.
  const px = Math.round(-ox * 65536);
  const py = Math.round(-oy * 65536);
  const x0 = Math.floor(px / 65536);
  const y0 = Math.floor(py / 65536);
  const distx = f32((px - x0 * 65536) / 65536);
  const disty = f32((py - y0 * 65536) / 65536);
  const idx = f32(1 - distx);
  const idy = f32(1 - disty);
  const wBR = f32(distx * disty);
  const wTR = f32(distx * idy);
  const wBL = f32(idx * disty);
  const wTL = f32(idx * idy);
  const iStart = Math.max(0, -x0 - 1);
  const iEnd = Math.min(w, tw - x0);
  const jStart = Math.max(0, -y0 - 1);
  const jEnd = Math.min(h, th - y0);
  const u = UNORM8;
  const stride = tw * 4;
  for (let j = jStart; j < jEnd; j++) {
    const sy = y0 + j;
    const hasT = sy >= 0 && sy < th;
    const hasB = sy + 1 >= 0 && sy + 1 < th;
    const rowT = sy * stride;
    const rowB = rowT + stride;
    let d = (j * w + iStart) * 4;
    for (let i = iStart; i < iEnd; i++, d += 4) {
      const sx = x0 + i;
      const hasL = sx >= 0 && sx < tw;
      const hasR = sx + 1 >= 0 && sx + 1 < tw;
      const tl = hasT && hasL ? rowT + sx * 4 : -1;
      const tr = hasT && hasR ? rowT + sx * 4 + 4 : -1;
      const bl = hasB && hasL ? rowB + sx * 4 : -1;
      const br = hasB && hasR ? rowB + sx * 4 + 4 : -1;
      // s = ((tl·wTL + tr·wTR) + bl·wBL) + br·wBR in float32, absent neighbours contributing 0
      let sa = 0;
      let sr = 0;
      let sg = 0;
      let sb = 0;
      if (tl >= 0) {
        sr = f32((u[tile[tl] as number] as number) * wTL); sg = f32((u[tile[tl + 1] as number] as number) * wTL);
        sb = f32((u[tile[tl + 2] as number] as number) * wTL); sa = f32((u[tile[tl + 3] as number] as number) * wTL);
      }
      if (tr >= 0) {
        sr = f32(sr + f32((u[tile[tr] as number] as number) * wTR)); sg = f32(sg + f32((u[tile[tr + 1] as number] as number) * wTR));
        sb = f32(sb + f32((u[tile[tr + 2] as number] as number) * wTR)); sa = f32(sa + f32((u[tile[tr + 3] as number] as number) * wTR));
      }
      if (bl >= 0) {
        sr = f32(sr + f32((u[tile[bl] as number] as number) * wBL)); sg = f32(sg + f32((u[tile[bl + 1] as number] as number) * wBL));
        sb = f32(sb + f32((u[tile[bl + 2] as number] as number) * wBL)); sa = f32(sa + f32((u[tile[bl + 3] as number] as number) * wBL));
      }
      if (br >= 0) {
        sr = f32(sr + f32((u[tile[br] as number] as number) * wBR)); sg = f32(sg + f32((u[tile[br + 1] as number] as number) * wBR));
        sb = f32(sb + f32((u[tile[br + 2] as number] as number) * wBR)); sa = f32(sa + f32((u[tile[br + 3] as number] as number) * wBR));
      }
      const da = u[dest[d + 3] as number] as number;
      // SATURATE: Fa = clamp((1 − da) / sa), Fb = 1; result = min(1, s·Fa + d).
      const fa = sa === 0 ? 1 : Math.min(1, Math.max(0, f32(f32(1 - da) / sa)));
      dest[d] = toUnorm8(Math.min(1, f32(f32(sr * fa) + (u[dest[d] as number] as number))));
      dest[d + 1] = toUnorm8(Math.min(1, f32(f32(sg * fa) + (u[dest[d + 1] as number] as number))));
      dest[d + 2] = toUnorm8(Math.min(1, f32(f32(sb * fa) + (u[dest[d + 2] as number] as number))));
      dest[d + 3] = toUnorm8(Math.min(1, f32(f32(sa * fa) + da)));
    }
  }
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
