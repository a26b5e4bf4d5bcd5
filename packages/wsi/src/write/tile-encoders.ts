import { promisify } from "node:util";
import { deflate } from "node:zlib";
import sharp from "sharp";
import { Compression, FieldType, Photometric, Tag } from "../tiff/tags";
import type { IfdEntry } from "./ifd-encode";

const deflateAsync = promisify(deflate);

/** Settings an encoder may use. */
export interface EncodeSettings {
  /** JPEG quality 1–100. */
  quality: number;
  chromaSubsampling: "4:4:4" | "4:2:0";
}

/** Compresses RGB tiles or strips for one TIFF Compression value. */
export interface TileEncoder {
  /** TIFF Compression tag value. */
  compression: number;
  /** Photometric interpretation of the encoded samples plus any tags the codec needs (e.g. YCbCrSubsampling). */
  tags(settings: EncodeSettings): IfdEntry[];
  /** Encodes `width * height * 3` RGB bytes. */
  encode(rgb: Uint8Array, width: number, height: number, settings: EncodeSettings): Promise<Uint8Array>;
}

const jpegEncoder: TileEncoder = {
  compression: Compression.Jpeg,
  tags(settings) {
    const sub = settings.chromaSubsampling === "4:2:0" ? 2 : 1;
    // sharp (libjpeg) encodes YCbCr: say so, with sampling factors that match, so libtiff and
    // OpenSlide's own JPEG path both convert to RGB.
    return [
      { tag: Tag.PhotometricInterpretation, type: FieldType.SHORT, values: [Photometric.YCbCr] },
      { tag: Tag.YCbCrSubsampling, type: FieldType.SHORT, values: [sub, sub] },
      { tag: Tag.ReferenceBlackWhite, type: FieldType.RATIONAL, values: [0, 1, 255, 1, 128, 1, 255, 1, 128, 1, 255, 1] },
    ];
  },
  async encode(rgb, width, height, settings) {
    return sharp(rgb, { raw: { width, height, channels: 3 } })
      .jpeg({ quality: settings.quality, chromaSubsampling: settings.chromaSubsampling })
      .toBuffer();
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
