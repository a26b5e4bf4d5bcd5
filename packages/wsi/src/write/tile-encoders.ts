import { promisify } from "node:util";
import { deflate } from "node:zlib";
import sharp from "sharp";
import { Compression, FieldType, Photometric, Tag } from "../tiff/tags";
import type { IfdEntry } from "./ifd-encode";
import { abbreviateJpeg, jpegTablesStream, splitJpegTables } from "./jpeg-tables";

const deflateAsync = promisify(deflate);

/** Settings an encoder may use. */
export interface EncodeSettings {
  /** JPEG quality 1–100. */
  quality: number;
  chromaSubsampling: "4:4:4" | "4:2:0";
  /**
   * JPEG only, set by {@link TileEncoder.prepare}: the DQT + DHT segments every tile shares. They are
   * written once per image as JPEGTables (tag 347) and left out of the tiles.
   */
  jpegTables?: Uint8Array;
}

/** Compresses RGB tiles or strips for one TIFF Compression value. */
export interface TileEncoder {
  /** TIFF Compression tag value. */
  compression: number;
  /** Photometric interpretation of the encoded samples plus any tags the codec needs (e.g. YCbCrSubsampling). */
  tags(settings: EncodeSettings): IfdEntry[];
  /** Called once per write before any `encode`: returns the settings to use (e.g. with shared tables). */
  prepare?(settings: EncodeSettings): Promise<EncodeSettings>;
  /** Encodes `width * height * 3` RGB bytes. */
  encode(rgb: Uint8Array, width: number, height: number, settings: EncodeSettings): Promise<Uint8Array>;
}

/**
 * Fixed libjpeg settings: standard (Annex K) quantisation tables scaled by quality and the standard
 * Huffman tables, so every tile of a write carries the same DQT/DHT bytes and they can be shared.
 * Optimised Huffman coding, trellis quantisation and the other mozjpeg options would vary them.
 */
function encodeJpeg(rgb: Uint8Array, width: number, height: number, settings: EncodeSettings): Promise<Buffer> {
  return sharp(rgb, { raw: { width, height, channels: 3 } })
    .jpeg({
      quality: settings.quality,
      chromaSubsampling: settings.chromaSubsampling,
      optimiseCoding: false,
      progressive: false,
      mozjpeg: false,
      trellisQuantisation: false,
      overshootDeringing: false,
      optimiseScans: false,
      quantisationTable: 0,
    })
    .toBuffer();
}

/** A small textured RGB image whose encoding gives the tables (they do not depend on the pixels). */
function tableProbe(): Uint8Array {
  const size = 16;
  const rgb = new Uint8Array(size * size * 3);
  for (let i = 0; i < rgb.length; i++) rgb[i] = (i * 37) & 255;
  return rgb;
}

const jpegEncoder: TileEncoder = {
  compression: Compression.Jpeg,
  tags(settings) {
    const sub = settings.chromaSubsampling === "4:2:0" ? 2 : 1;
    // sharp (libjpeg) encodes YCbCr: say so, with sampling factors that match, so libtiff and
    // OpenSlide's own JPEG path both convert to RGB.
    const entries: IfdEntry[] = [
      { tag: Tag.PhotometricInterpretation, type: FieldType.SHORT, values: [Photometric.YCbCr] },
      { tag: Tag.YCbCrSubsampling, type: FieldType.SHORT, values: [sub, sub] },
      { tag: Tag.ReferenceBlackWhite, type: FieldType.RATIONAL, values: [0, 1, 255, 1, 128, 1, 255, 1, 128, 1, 255, 1] },
    ];
    if (settings.jpegTables) entries.push({ tag: Tag.JPEGTables, type: FieldType.UNDEFINED, values: jpegTablesStream(settings.jpegTables) });
    return entries;
  },
  async prepare(settings) {
    const probe = await encodeJpeg(tableProbe(), 16, 16, settings);
    const { tables } = splitJpegTables(probe);
    if (tables.length === 0) throw new Error("the JPEG encoder wrote no DQT/DHT tables");
    return { ...settings, jpegTables: tables };
  },
  async encode(rgb, width, height, settings) {
    const stream = await encodeJpeg(rgb, width, height, settings);
    return settings.jpegTables ? abbreviateJpeg(stream, settings.jpegTables).data : stream;
  },
};

const deflateEncoder: TileEncoder = {
  compression: Compression.AdobeDeflate,
  tags() {
    return [{ tag: Tag.PhotometricInterpretation, type: FieldType.SHORT, values: [Photometric.Rgb] }];
  },
  async encode(rgb) {
    return deflateAsync(rgb, { level: 6 });
  },
};

const noneEncoder: TileEncoder = {
  compression: Compression.None,
  tags() {
    return [{ tag: Tag.PhotometricInterpretation, type: FieldType.SHORT, values: [Photometric.Rgb] }];
  },
  async encode(rgb) {
    return rgb;
  },
};

/** Tile codecs by name. Add an entry to support another codec in {@link writeSlide}. */
export const tileEncoders = new Map<string, TileEncoder>([
  ["jpeg", jpegEncoder],
  ["deflate", deflateEncoder],
  ["none", noneEncoder],
]);
