/**
 * A minimal TIFF / BigTIFF writer for tests: arbitrary tags, tiled or stripped images, SubIFDs and the
 * NDPI 64-bit next-IFD variant. Independent of src/write so the reader is not tested only against our writer.
 */
export type TagType = "byte" | "ascii" | "short" | "long" | "rational" | "undefined" | "long8" | "double" | "float" | "slong";

/** One tag: number, field type and values (string for ascii, bytes for byte/undefined). */
export interface TagSpec {
  tag: number;
  type: TagType;
  value: number[] | string | Uint8Array;
}

/** One image: its tags (without the data offset/bytecount tags) and its encoded tiles or strips. */
export interface ImageSpec {
  tags: TagSpec[];
  chunks: Uint8Array[];
  tiled: boolean;
  subIfds?: ImageSpec[];
}

const typeCode: Record<TagType, number> = { byte: 1, ascii: 2, short: 3, long: 4, rational: 5, undefined: 7, slong: 9, float: 11, double: 12, long8: 16 };
const typeSize: Record<TagType, number> = { byte: 1, ascii: 1, short: 2, long: 4, rational: 8, undefined: 1, slong: 4, float: 4, double: 8, long8: 8 };

class Out {
  buf = new Uint8Array(1 << 16);
  len = 0;
  constructor(readonly le: boolean) {}
  ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let cap = this.buf.length;
    while (cap < this.len + n) cap *= 2;
    const b = new Uint8Array(cap);
    b.set(this.buf.subarray(0, this.len));
    this.buf = b;
  }
  bytes(b: Uint8Array): number {
    if (this.len % 2) this.u8(0);
    const at = this.len;
    this.ensure(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
    return at;
  }
  u8(v: number): void { this.ensure(1); this.buf[this.len++] = v; }
  view(): DataView { return new DataView(this.buf.buffer); }
  num(v: number, size: number): void {
    this.ensure(size);
    const dv = this.view();
    if (size === 2) dv.setUint16(this.len, v, this.le);
    else if (size === 4) dv.setUint32(this.len, v, this.le);
    else dv.setBigUint64(this.len, BigInt(v), this.le);
    this.len += size;
  }
  patch(at: number, v: number, size: number): void {
    const dv = this.view();
    if (size === 4) dv.setUint32(at, v, this.le);
    else dv.setBigUint64(at, BigInt(v), this.le);
  }
}

function encodeValue(t: TagSpec, le: boolean): Uint8Array {
  if (typeof t.value === "string") return new TextEncoder().encode(`${t.value}\0`);
  if (t.value instanceof Uint8Array) return t.value;
  const size = typeSize[t.type];
  const out = new Uint8Array(t.value.length * size);
  const dv = new DataView(out.buffer);
  t.value.forEach((v, i) => {
    const p = i * size;
    switch (t.type) {
      case "byte": case "undefined": dv.setUint8(p, v); break;
      case "short": dv.setUint16(p, v, le); break;
      case "long": dv.setUint32(p, v, le); break;
      case "slong": dv.setInt32(p, v, le); break;
      case "float": dv.setFloat32(p, v, le); break;
      case "double": dv.setFloat64(p, v, le); break;
      case "long8": dv.setBigUint64(p, BigInt(v), le); break;
      case "rational": dv.setUint32(p, Math.round(v * 10000), le); dv.setUint32(p + 4, 10000, le); break;
    }
  });
  return out;
}

/** Builds a TIFF file: images in the main IFD chain, in order. */
export function buildTiff(images: ImageSpec[], options: { bigTiff?: boolean; littleEndian?: boolean; ndpi?: boolean } = {}): Uint8Array {
  const { bigTiff = false, littleEndian = true, ndpi = false } = options;
  const out = new Out(littleEndian);
  out.u8(littleEndian ? 0x49 : 0x4d);
  out.u8(littleEndian ? 0x49 : 0x4d);
  out.num(bigTiff ? 43 : 42, 2);
  if (bigTiff) { out.num(8, 2); out.num(0, 2); }
  const firstPtr = out.len;
  out.num(0, bigTiff ? 8 : 4);
  const offSize = bigTiff ? 8 : 4;

  const writeImage = (img: ImageSpec): number => {
    const subOffsets = (img.subIfds ?? []).map(writeImage);
    const offsets = img.chunks.map((c) => out.bytes(c));
    const tags: TagSpec[] = [...img.tags];
    const offType: TagType = bigTiff ? "long8" : "long";
    tags.push({ tag: img.tiled ? 324 : 273, type: offType, value: offsets });
    tags.push({ tag: img.tiled ? 325 : 279, type: offType, value: img.chunks.map((c) => c.length) });
    if (subOffsets.length > 0) tags.push({ tag: 330, type: offType, value: subOffsets });
    tags.sort((a, b) => a.tag - b.tag);
    const encoded = tags.map((t) => ({ t, data: encodeValue(t, littleEndian), count: typeof t.value === "string" ? t.value.length + 1 : t.value.length }));
    const inline = bigTiff ? 8 : 4;
    const valueAt = encoded.map((e) => (e.data.length > inline ? out.bytes(e.data) : -1));
    if (out.len % 2) out.u8(0);
    const ifdAt = out.len;
    out.num(tags.length, bigTiff ? 8 : 2);
    encoded.forEach((e, i) => {
      out.num(e.t.tag, 2);
      out.num(typeCode[e.t.type], 2);
      out.num(e.count, bigTiff ? 8 : 4);
      const at = valueAt[i] as number;
      if (at >= 0) out.num(at, offSize);
      else {
        const pad = new Uint8Array(inline);
        pad.set(e.data);
        out.ensure(inline);
        out.buf.set(pad, out.len);
        out.len += inline;
      }
    });
    nextPtrs.push(out.len);
    out.num(0, bigTiff || ndpi ? 8 : 4);
    return ifdAt;
  };

  const nextPtrs: number[] = [];
  const mainPtrs: number[] = [];
  let prevPtr = firstPtr;
  for (const img of images) {
    const at = writeImage(img);
    out.patch(prevPtr, at, prevPtr === firstPtr ? offSize : bigTiff || ndpi ? 8 : 4);
    prevPtr = nextPtrs[nextPtrs.length - 1] as number;
    mainPtrs.push(at);
  }
  return out.buf.slice(0, out.len);
}

/** Common tags of an 8-bit image. */
export function basicTags(o: {
  width: number; height: number; spp?: number; compression: number; photometric?: number;
  tile?: [number, number]; rowsPerStrip?: number; predictor?: number; subfile?: number; description?: string;
  extra?: TagSpec[];
}): TagSpec[] {
  const spp = o.spp ?? 3;
  const tags: TagSpec[] = [
    { tag: 256, type: "long", value: [o.width] },
    { tag: 257, type: "long", value: [o.height] },
    { tag: 258, type: "short", value: new Array(spp).fill(8) },
    { tag: 259, type: "short", value: [o.compression] },
    { tag: 262, type: "short", value: [o.photometric ?? (spp >= 3 ? 2 : 1)] },
    { tag: 277, type: "short", value: [spp] },
    { tag: 284, type: "short", value: [1] },
  ];
  if (o.subfile !== undefined) tags.push({ tag: 254, type: "long", value: [o.subfile] });
  if (o.description !== undefined) tags.push({ tag: 270, type: "ascii", value: o.description });
  if (o.tile) tags.push({ tag: 322, type: "long", value: [o.tile[0]] }, { tag: 323, type: "long", value: [o.tile[1]] });
  else tags.push({ tag: 278, type: "long", value: [o.rowsPerStrip ?? o.height] });
  if (o.predictor !== undefined) tags.push({ tag: 317, type: "short", value: [o.predictor] });
  return [...tags, ...(o.extra ?? [])];
}

/** Cuts an interleaved raster into tiles (edge tiles padded with zeros to the full tile size). */
export function cutTiles(data: Uint8Array, width: number, height: number, channels: number, tw: number, th: number): Uint8Array[] {
  const tiles: Uint8Array[] = [];
  for (let ty = 0; ty < Math.ceil(height / th); ty++) {
    for (let tx = 0; tx < Math.ceil(width / tw); tx++) {
      const t = new Uint8Array(tw * th * channels);
      for (let y = 0; y < th && ty * th + y < height; y++) {
        const w = Math.min(tw, width - tx * tw);
        const s = ((ty * th + y) * width + tx * tw) * channels;
        t.set(data.subarray(s, s + w * channels), y * tw * channels);
      }
      tiles.push(t);
    }
  }
  return tiles;
}

/** A deterministic test picture (smooth gradients plus sharp blocks), interleaved RGB. */
export function testPicture(width: number, height: number, channels = 3, seed = 1): Uint8Array {
  const out = new Uint8Array(width * height * channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = (y * width + x) * channels;
      const block = ((x >> 4) + (y >> 4) + seed) % 5;
      out[p] = (x * 3 + y + seed * 17) & 0xff;
      if (channels > 1) out[p + 1] = block * 60;
      if (channels > 2) out[p + 2] = (((x * y) >> 5) + seed * 31) & 0xff;
      if (channels > 3) out[p + 3] = 255;
    }
  }
  return out;
}
