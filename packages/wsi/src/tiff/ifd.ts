import { WsiError } from "../errors";
import type { FileSource } from "../io/file-source";
import { FieldType, fieldTypeSize, Tag } from "./tags";

/** The value of one TIFF tag: numbers for numeric types, a string for ASCII, raw bytes for BYTE/UNDEFINED. */
export type TagValue = number[] | string | Uint8Array;

/** One Image File Directory: its byte offset and its tags (tag number → value). */
export interface Ifd {
  offset: number;
  tags: Map<number, TagValue>;
}

/** A parsed TIFF/BigTIFF header plus the main IFD chain. */
export interface TiffFile {
  source: FileSource;
  littleEndian: boolean;
  bigTiff: boolean;
  /** True for Hamamatsu NDPI (classic TIFF with 64-bit next-IFD offsets). */
  ndpi: boolean;
  ifds: Ifd[];
}

const MAX_IFDS = 4096;
const MAX_ENTRIES = 4096;

/** Reads the TIFF header; returns undefined when the file does not start like a TIFF. */
export async function readTiffHeader(source: FileSource): Promise<{ littleEndian: boolean; bigTiff: boolean; first: number } | undefined> {
  if (source.size < 8) return undefined;
  const head = await source.read(0, Math.min(16, source.size), "TIFF header");
  const le = head[0] === 0x49 && head[1] === 0x49;
  const be = head[0] === 0x4d && head[1] === 0x4d;
  if (!le && !be) return undefined;
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const magic = view.getUint16(2, le);
  if (magic === 42) return { littleEndian: le, bigTiff: false, first: view.getUint32(4, le) };
  if (magic === 43 && head.length >= 16 && view.getUint16(4, le) === 8) {
    return { littleEndian: le, bigTiff: true, first: Number(view.getBigUint64(8, le)) };
  }
  return undefined;
}

/** Parses the header and every IFD of the main chain (loops and out-of-file offsets become `CORRUPT`). */
export async function readTiff(source: FileSource): Promise<TiffFile> {
  const header = await readTiffHeader(source);
  if (header === undefined) throw new WsiError("NOT_A_TIFF", source.path, "expected a TIFF or BigTIFF header (II*/MM*), found something else");
  const tiff: TiffFile = { source, littleEndian: header.littleEndian, bigTiff: header.bigTiff, ndpi: false, ifds: [] };
  const seen = new Set<number>();
  let next = await ndpiFirstOffset(tiff, header.first);
  while (next !== 0) {
    if (seen.has(next)) throw new WsiError("CORRUPT", source.path, `IFD chain loops back to byte ${next}`);
    if (seen.size >= MAX_IFDS) throw new WsiError("CORRUPT", source.path, `more than ${MAX_IFDS} IFDs`);
    seen.add(next);
    const { ifd, nextOffset } = await readIfd(tiff, next);
    tiff.ifds.push(ifd);
    next = nextOffset;
  }
  if (tiff.ifds.length === 0) throw new WsiError("CORRUPT", source.path, "TIFF has no IFD");
  return tiff;
}

/**
 * NDPI files above 4 GiB keep the high 32 bits of the first IFD offset in header bytes 8–11; use the
 * 64-bit offset when it points at an IFD carrying the NDPI format tag.
 */
async function ndpiFirstOffset(tiff: TiffFile, low: number): Promise<number> {
  const { source, littleEndian, bigTiff } = tiff;
  if (bigTiff || source.size <= 2 ** 32) return low;
  const high = new DataView((await source.read(8, 4, "NDPI header")).buffer).getUint32(0, littleEndian);
  const offset = low + high * 2 ** 32;
  if (high === 0 || offset >= source.size) return low;
  const probe = { ...tiff, ifds: [] };
  try {
    const { ifd } = await readIfd(probe, offset);
    return ifd.tags.has(Tag.NdpiFormatFlag) ? offset : low;
  } catch {
    return low;
  }
}

/** Reads one IFD at `offset` (also used for SubIFDs). */
export async function readIfd(tiff: TiffFile, offset: number): Promise<{ ifd: Ifd; nextOffset: number }> {
  const { source, littleEndian: le, bigTiff } = tiff;
  const countSize = bigTiff ? 8 : 2;
  const entrySize = bigTiff ? 20 : 12;
  const head = await source.read(offset, countSize, "IFD entry count");
  const hv = new DataView(head.buffer);
  const count = bigTiff ? Number(hv.getBigUint64(0, le)) : hv.getUint16(0, le);
  if (count === 0 || count > MAX_ENTRIES) throw new WsiError("CORRUPT", source.path, `IFD at byte ${offset} has ${count} entries`);
  const bodyLen = count * entrySize;
  // NDPI stores an 8-byte next-IFD offset; read up to 8 bytes when the file has room.
  const tailLen = Math.min(8, source.size - (offset + countSize + bodyLen));
  if (tailLen < (bigTiff ? 8 : 4)) throw new WsiError("CORRUPT", source.path, `IFD at byte ${offset} runs past the end of the file`);
  const body = await source.read(offset + countSize, bodyLen + tailLen, "IFD entries");
  const view = new DataView(body.buffer);
  const tags = new Map<number, TagValue>();
  const inlineSize = bigTiff ? 8 : 4;
  const entries: { tag: number; type: number; n: number; p: number }[] = [];
  for (let i = 0; i < count; i++) {
    const p = i * entrySize;
    const type = view.getUint16(p + 2, le);
    if (fieldTypeSize[type] === undefined) continue; // unknown field types are skipped, as libtiff does
    const n = bigTiff ? Number(view.getBigUint64(p + 4, le)) : view.getUint32(p + 4, le);
    entries.push({ tag: view.getUint16(p, le), type, n, p });
  }
  const isNdpi = !bigTiff && entries.some((e) => e.tag === Tag.NdpiFormatFlag);
  // NDPI > 4 GiB: the high 32 bits of every value offset follow the 8-byte next-IFD offset.
  let highs: DataView | undefined;
  if (isNdpi && source.size > 2 ** 32) {
    const at = offset + countSize + bodyLen + 8;
    if (at + count * 4 <= source.size) {
      const h = await source.read(at, count * 4, "NDPI high offset bytes");
      highs = new DataView(h.buffer);
    }
  }
  for (const { tag, type, n, p } of entries) {
    const size = fieldTypeSize[type] as number;
    const total = size * n;
    if (total > source.size) throw new WsiError("CORRUPT", source.path, `tag ${tag} in IFD at byte ${offset} claims ${total} bytes`);
    let raw: Uint8Array;
    if (total <= inlineSize) {
      raw = body.subarray(p + (bigTiff ? 12 : 8), p + (bigTiff ? 12 : 8) + total);
    } else {
      let at = bigTiff ? Number(view.getBigUint64(p + 12, le)) : view.getUint32(p + 8, le);
      if (highs !== undefined) at += highs.getUint32((p / entrySize) * 4, le) * 2 ** 32;
      raw = await source.read(at, total, `value of tag ${tag}`);
    }
    tags.set(tag, decodeValue(raw, type, n, le));
  }
  if (isNdpi) tiff.ndpi = true;
  const tp = bodyLen;
  let nextOffset: number;
  if (bigTiff) nextOffset = Number(view.getBigUint64(tp, le));
  else if (isNdpi && tailLen >= 8) nextOffset = Number(view.getBigUint64(tp, le));
  else nextOffset = view.getUint32(tp, le);
  if (nextOffset !== 0 && (nextOffset < 8 || nextOffset >= source.size)) {
    throw new WsiError("CORRUPT", source.path, `next IFD offset ${nextOffset} lies outside the file`);
  }
  return { ifd: { offset, tags }, nextOffset };
}

function decodeValue(raw: Uint8Array, type: number, n: number, le: boolean): TagValue {
  if (type === FieldType.ASCII) {
    let end = raw.indexOf(0);
    if (end < 0) end = raw.length;
    return Buffer.from(raw.buffer, raw.byteOffset, end).toString("latin1");
  }
  if (type === FieldType.BYTE || type === FieldType.UNDEFINED || type === FieldType.SBYTE) return raw.slice();
  const v = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    switch (type) {
      case FieldType.SHORT: out[i] = v.getUint16(i * 2, le); break;
      case FieldType.SSHORT: out[i] = v.getInt16(i * 2, le); break;
      case FieldType.LONG: case FieldType.IFD: out[i] = v.getUint32(i * 4, le); break;
      case FieldType.SLONG: out[i] = v.getInt32(i * 4, le); break;
      case FieldType.RATIONAL: out[i] = v.getUint32(i * 8, le) / v.getUint32(i * 8 + 4, le); break;
      case FieldType.SRATIONAL: out[i] = v.getInt32(i * 8, le) / v.getInt32(i * 8 + 4, le); break;
      case FieldType.FLOAT: out[i] = v.getFloat32(i * 4, le); break;
      case FieldType.DOUBLE: out[i] = v.getFloat64(i * 8, le); break;
      default: out[i] = Number(v.getBigUint64(i * 8, le)); break; // LONG8, SLONG8, IFD8
    }
  }
  return out;
}

/** First numeric value of a tag, or `fallback`. */
export function tagNumber(ifd: Ifd, tag: number, fallback?: number): number | undefined {
  const v = ifd.tags.get(tag);
  if (Array.isArray(v) && v.length > 0) return v[0];
  return fallback;
}

/** All numeric values of a tag (empty when absent or not numeric). */
export function tagNumbers(ifd: Ifd, tag: number): number[] {
  const v = ifd.tags.get(tag);
  return Array.isArray(v) ? v : [];
}

/** ASCII value of a tag, or undefined. */
export function tagString(ifd: Ifd, tag: number): string | undefined {
  const v = ifd.tags.get(tag);
  return typeof v === "string" ? v : undefined;
}

/** Raw bytes of a BYTE/UNDEFINED tag, or undefined. */
export function tagBytes(ifd: Ifd, tag: number): Uint8Array | undefined {
  const v = ifd.tags.get(tag);
  return v instanceof Uint8Array ? v : undefined;
}
