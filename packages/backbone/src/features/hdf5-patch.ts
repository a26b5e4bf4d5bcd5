// Post-processing of a closed HDF5 file written by h5wasm.
//
// Float16: h5wasm 0.10 cannot create float16 datasets on Node 20 (its C layer only builds 4- and 8-byte float
// types). We write float16 features as a one-member compound of uint16 (same 2-byte storage), then
// rewrite that datatype message in the closed file as an IEEE binary16 float type, pad the freed bytes
// with a NULL message, and recompute the object header checksum: a plain, spec-conformant HDF5 float16
// dataset that h5py reads as `<f2`.
import { lookup3 } from "./lookup3";

/** Name of the placeholder compound member; unique enough never to occur elsewhere in a feature file. */
export const BINARY16_PLACEHOLDER = "osfm.binary16.placeholder";

const DATATYPE_MESSAGE = 0x03;
const NULL_MESSAGE = 0x00;

/** HDF5 datatype message body for a little-endian IEEE 754 binary16 float (20 bytes). */
function binary16Datatype(): Uint8Array {
  const m = new Uint8Array(20);
  const v = new DataView(m.buffer);
  m[0] = 0x11; // version 1, class 1 (floating point)
  m[1] = 0x20; // little-endian, no padding, mantissa normalisation "msb implied"
  m[2] = 15; // sign bit location
  v.setUint32(4, 2, true); // size in bytes
  v.setUint16(8, 0, true); // bit offset
  v.setUint16(10, 16, true); // precision
  m[12] = 10; // exponent location
  m[13] = 5; // exponent size
  m[14] = 0; // mantissa location
  m[15] = 10; // mantissa size
  v.setUint32(16, 15, true); // exponent bias
  return m;
}

function indexOf(hay: Uint8Array, needle: Uint8Array, from: number): number {
  outer: for (let i = from; i <= hay.length - needle.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

function lastIndexOf(hay: Uint8Array, needle: Uint8Array, before: number): number {
  outer: for (let i = Math.min(before, hay.length - needle.length); i >= 0; i--) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

/**
 * Rewrites every placeholder compound datatype in an HDF5 file image as binary16, in place.
 * @returns how many datasets were patched
 * @throws Error when a placeholder sits anywhere but in a version-2 object header we can walk
 */
export function patchBinary16(bytes: Uint8Array): number {
  const name = new TextEncoder().encode(`${BINARY16_PLACEHOLDER}\0`);
  const ohdr = new TextEncoder().encode("OHDR");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let patched = 0;
  for (let hit = indexOf(bytes, name, 0); hit >= 0; hit = indexOf(bytes, name, hit + 1)) {
    const body = hit - 8; // class+version, 3 bitfield bytes, 4 size bytes, then the member name
    const start = lastIndexOf(bytes, ohdr, body);
    if (start < 0 || bytes[start + 4] !== 2) throw new Error("float16 placeholder outside a v2 object header");
    const flags = bytes[start + 5]!;
    let p = start + 6 + (flags & 0x20 ? 16 : 0) + (flags & 0x10 ? 4 : 0);
    const width = 1 << (flags & 3);
    let chunkSize = 0;
    for (let j = 0; j < width; j++) chunkSize += bytes[p + j]! * 256 ** j;
    p += width;
    const end = p + chunkSize;
    const headerBytes = flags & 0x04 ? 6 : 4;
    let found = false;
    while (p + headerBytes <= end) {
      const type = bytes[p]!;
      const size = view.getUint16(p + 1, true);
      if (p + headerBytes === body) {
        const dt = binary16Datatype();
        if (type !== DATATYPE_MESSAGE || size < dt.length + headerBytes) {
          throw new Error(`float16 placeholder message has type ${type} and ${size} bytes; cannot patch`);
        }
        view.setUint16(p + 1, dt.length, true);
        bytes.set(dt, body);
        const nul = body + dt.length;
        bytes.fill(0, nul, body + size);
        bytes[nul] = NULL_MESSAGE;
        view.setUint16(nul + 1, size - dt.length - headerBytes, true);
        found = true;
        break;
      }
      p += headerBytes + size;
    }
    if (!found) throw new Error("float16 placeholder not at a message boundary of its object header");
    view.setUint32(end, lookup3(bytes.subarray(start, end)), true);
    patched++;
  }
  return patched;
}

/**
 * Zeroes the access/modification/change/birth times h5wasm stores in every version-2 object header and
 * recomputes the checksums, so the same content always gives the same bytes (a resumed run's files are
 * byte-identical to an uninterrupted run's). Only headers whose stored checksum verifies are touched.
 * @returns how many headers were normalised
 */
export function zeroObjectHeaderTimes(bytes: Uint8Array): number {
  const ohdr = new TextEncoder().encode("OHDR");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let count = 0;
  for (let start = indexOf(bytes, ohdr, 0); start >= 0; start = indexOf(bytes, ohdr, start + 1)) {
    if (bytes[start + 4] !== 2) continue;
    const flags = bytes[start + 5]!;
    if ((flags & 0x20) === 0) continue;
    const p = start + 6 + 16 + (flags & 0x10 ? 4 : 0);
    const width = 1 << (flags & 3);
    let chunkSize = 0;
    for (let j = 0; j < width; j++) chunkSize += bytes[p + j]! * 256 ** j;
    const end = p + width + chunkSize;
    if (end + 4 > bytes.length || view.getUint32(end, true) !== lookup3(bytes.subarray(start, end))) continue;
    bytes.fill(0, start + 6, start + 22);
    view.setUint32(end, lookup3(bytes.subarray(start, end)), true);
    count++;
  }
  return count;
}
