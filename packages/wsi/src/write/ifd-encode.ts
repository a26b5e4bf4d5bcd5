import { FieldType, fieldTypeSize } from "../tiff/tags";

/** One TIFF directory entry to write. RATIONAL values are given as flat numerator/denominator pairs. */
export interface IfdEntry {
  tag: number;
  type: number;
  values: ArrayLike<number> | string | Uint8Array;
}

const encoder = new TextEncoder();

function entryBytes(entry: IfdEntry): Uint8Array | undefined {
  if (typeof entry.values === "string") return encoder.encode(`${entry.values}\0`);
  if (entry.values instanceof Uint8Array && (entry.type === FieldType.BYTE || entry.type === FieldType.UNDEFINED)) {
    return entry.values;
  }
  return undefined;
}

function entryCount(entry: IfdEntry): number {
  const bytes = entryBytes(entry);
  if (bytes) return bytes.length;
  const n = entry.values.length;
  return entry.type === FieldType.RATIONAL || entry.type === FieldType.SRATIONAL ? n / 2 : n;
}

function writeValues(view: DataView, at: number, entry: IfdEntry): void {
  const bytes = entryBytes(entry);
  if (bytes) {
    new Uint8Array(view.buffer, view.byteOffset + at, bytes.length).set(bytes);
    return;
  }
  const values = entry.values as ArrayLike<number>;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] ?? 0;
    switch (entry.type) {
      case FieldType.BYTE:
      case FieldType.UNDEFINED:
        view.setUint8(at + i, v);
        break;
      case FieldType.SHORT:
        view.setUint16(at + 2 * i, v, true);
        break;
      case FieldType.LONG:
      case FieldType.RATIONAL:
      case FieldType.IFD:
        view.setUint32(at + 4 * i, v, true);
        break;
      case FieldType.LONG8:
      case FieldType.IFD8:
        view.setBigUint64(at + 8 * i, BigInt(v), true);
        break;
      case FieldType.DOUBLE:
        view.setFloat64(at + 8 * i, v, true);
        break;
      default:
        throw new RangeError(`unsupported TIFF field type ${entry.type} for tag ${entry.tag}`);
    }
  }
}

/** Byte size of one directory, including its out-of-line values, for classic TIFF or BigTIFF. */
export function ifdByteSize(entries: readonly IfdEntry[], big: boolean): number {
  const inline = big ? 8 : 4;
  let size = big ? 8 + 20 * entries.length + 8 : 2 + 12 * entries.length + 4;
  for (const e of entries) {
    const n = entryCount(e) * (fieldTypeSize[e.type] ?? 1);
    if (n > inline) size += n + (n & 1);
  }
  return size;
}

/**
 * Serialises directories as one contiguous block starting at file offset `start`, each pointing to
 * the next and the last to 0. Entries are sorted by tag as TIFF requires.
 */
export function encodeIfdChain(ifds: readonly IfdEntry[][], start: number, big: boolean): Uint8Array {
  const sizes = ifds.map((entries) => ifdByteSize(entries, big));
  const total = sizes.reduce((a, b) => a + b, 0);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  const inline = big ? 8 : 4;
  let pos = 0;
  ifds.forEach((unsorted, index) => {
    const entries = [...unsorted].sort((a, b) => a.tag - b.tag);
    const ifdStart = pos;
    let cursor = ifdStart + (big ? 8 + 20 * entries.length + 8 : 2 + 12 * entries.length + 4);
    if (big) view.setBigUint64(pos, BigInt(entries.length), true);
    else view.setUint16(pos, entries.length, true);
    pos += big ? 8 : 2;
    for (const e of entries) {
      const count = entryCount(e);
      const n = count * (fieldTypeSize[e.type] ?? 1);
      view.setUint16(pos, e.tag, true);
      view.setUint16(pos + 2, e.type, true);
      if (big) view.setBigUint64(pos + 4, BigInt(count), true);
      else view.setUint32(pos + 4, count, true);
      const valueField = pos + (big ? 12 : 8);
      if (n <= inline) {
        writeValues(view, valueField, e);
      } else {
        if (big) view.setBigUint64(valueField, BigInt(start + cursor), true);
        else view.setUint32(valueField, start + cursor, true);
        writeValues(view, cursor, e);
        cursor += n + (n & 1);
      }
      pos += big ? 20 : 12;
    }
    const next = index + 1 < ifds.length ? start + ifdStart + (sizes[index] ?? 0) : 0;
    if (big) view.setBigUint64(pos, BigInt(next), true);
    else view.setUint32(pos, next, true);
    pos = ifdStart + (sizes[index] ?? 0);
  });
  return out;
}

/** File header: `II*\0` + first-IFD offset (classic) or `II+\0` 8 0 + offset (BigTIFF); always 16 bytes reserved. */
export function encodeHeader(firstIfd: number, big: boolean): Uint8Array {
  const out = new Uint8Array(16);
  const view = new DataView(out.buffer);
  view.setUint16(0, 0x4949, true);
  if (big) {
    view.setUint16(2, 43, true);
    view.setUint16(4, 8, true);
    view.setUint16(6, 0, true);
    view.setBigUint64(8, BigInt(firstIfd), true);
  } else {
    view.setUint16(2, 42, true);
    view.setUint32(4, firstIfd, true);
  }
  return out;
}
