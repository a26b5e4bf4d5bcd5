import { concatBytes } from "../io/bytes";

/**
 * Splitting JPEG streams into shared tables (TIFF JPEGTables, tag 347) and abbreviated tiles, as
 * libtiff and Aperio store them: one DQT + DHT block per image, each tile SOI … SOS … EOI without it.
 */

const SOI = 0xd8;
const EOI = 0xd9;
const SOS = 0xda;
const DQT = 0xdb;
const DHT = 0xc4;
const APP0 = 0xe0;

/** A JPEG stream cut at its table segments. */
export interface SplitJpeg {
  /** DQT and DHT segments (marker included), concatenated in stream order. */
  tables: Uint8Array;
  /** The stream without its DQT, DHT and JFIF APP0 segments: SOI, other headers, SOS, scan data, EOI. */
  abbreviated: Uint8Array;
}

/** Header segments (marker included) between SOI and SOS, and the rest of the stream from SOS on. */
function readHeader(stream: Uint8Array): { segments: { marker: number; bytes: Uint8Array }[]; scan: Uint8Array } {
  if (stream.length < 4 || stream[0] !== 0xff || stream[1] !== SOI) throw new Error("encoded JPEG does not start with SOI");
  const segments: { marker: number; bytes: Uint8Array }[] = [];
  let p = 2;
  for (;;) {
    if (p + 4 > stream.length || stream[p] !== 0xff) throw new Error(`encoded JPEG has no SOS segment (bad marker at byte ${p})`);
    const marker = stream[p + 1] as number;
    if (marker === 0xff) {
      p++; // fill byte
      continue;
    }
    if (marker === SOS) return { segments, scan: stream.subarray(p) };
    const end = p + 2 + (((stream[p + 2] as number) << 8) | (stream[p + 3] as number));
    if (end > stream.length) throw new Error(`encoded JPEG segment 0xff${marker.toString(16)} at byte ${p} runs past the end`);
    segments.push({ marker, bytes: stream.subarray(p, end) });
    p = end;
  }
}

const SOI_BYTES = Uint8Array.of(0xff, SOI);
const isTable = (marker: number) => marker === DQT || marker === DHT;

/**
 * Splits a baseline JPEG stream (SOI … EOI) into its quantisation/Huffman tables and the rest.
 * Throws `Error` when the stream has no SOI or ends before SOS: the writer wraps it in a `WsiError`.
 */
export function splitJpegTables(stream: Uint8Array): SplitJpeg {
  const { segments, scan } = readHeader(stream);
  const tables = segments.filter((s) => isTable(s.marker)).map((s) => s.bytes);
  const kept = segments.filter((s) => !isTable(s.marker) && s.marker !== APP0).map((s) => s.bytes);
  return { tables: concatBytes(tables), abbreviated: concatBytes([SOI_BYTES, ...kept, scan]) };
}

/**
 * The tile to store given the image's shared `tables` (DQT + DHT segments): the abbreviated stream
 * when the tile's own tables are byte-identical to them (`shared`), else the whole stream minus APP0
 * (a tile carrying its own tables is still valid TIFF JPEG: they override JPEGTables for that tile).
 */
export function abbreviateJpeg(stream: Uint8Array, tables: Uint8Array): { data: Uint8Array; shared: boolean } {
  const { segments, scan } = readHeader(stream);
  const shared = bytesEqual(concatBytes(segments.filter((s) => isTable(s.marker)).map((s) => s.bytes)), tables);
  const kept = segments.filter((s) => s.marker !== APP0 && !(shared && isTable(s.marker))).map((s) => s.bytes);
  return { data: concatBytes([SOI_BYTES, ...kept, scan]), shared };
}

/** TIFF JPEGTables value: an abbreviated table-specification stream, SOI + tables + EOI. */
export function jpegTablesStream(tables: Uint8Array): Uint8Array {
  return concatBytes([SOI_BYTES, tables, Uint8Array.of(0xff, EOI)]);
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
