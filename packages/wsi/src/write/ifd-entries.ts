import { FieldType, Tag } from "../tiff/tags";
import type { IfdEntry } from "./ifd-encode";
import type { EncodeSettings, TileEncoder } from "./tile-encoders";

/** Common description of one image (level or associated) to put in a directory. */
export interface ImageDirectory {
  width: number;
  height: number;
  subfileType: number;
  description: string | undefined;
  /** Pixel size in µm/px of this image, written as X/YResolution per centimetre. */
  mpp: { x: number; y: number } | undefined;
}

function rational(value: number): number[] {
  let den = 1000;
  while (den > 1 && value * den > 0xffffffff) den /= 10;
  return [Math.round(value * den), den];
}

function baseEntries(img: ImageDirectory, encoder: TileEncoder, settings: EncodeSettings): IfdEntry[] {
  const entries: IfdEntry[] = [
    { tag: Tag.NewSubfileType, type: FieldType.LONG, values: [img.subfileType] },
    { tag: Tag.ImageWidth, type: FieldType.LONG, values: [img.width] },
    { tag: Tag.ImageLength, type: FieldType.LONG, values: [img.height] },
    { tag: Tag.BitsPerSample, type: FieldType.SHORT, values: [8, 8, 8] },
    { tag: Tag.Compression, type: FieldType.SHORT, values: [encoder.compression] },
    { tag: Tag.SamplesPerPixel, type: FieldType.SHORT, values: [3] },
    { tag: Tag.PlanarConfiguration, type: FieldType.SHORT, values: [1] },
    ...encoder.tags(settings),
  ];
  if (img.description) entries.push({ tag: Tag.ImageDescription, type: FieldType.ASCII, values: img.description });
  if (img.mpp) {
    entries.push(
      { tag: Tag.XResolution, type: FieldType.RATIONAL, values: rational(10_000 / img.mpp.x) },
      { tag: Tag.YResolution, type: FieldType.RATIONAL, values: rational(10_000 / img.mpp.y) },
      { tag: Tag.ResolutionUnit, type: FieldType.SHORT, values: [3] },
    );
  }
  return entries;
}

/** Directory of a tiled image whose tiles are already in the file. */
export function tiledEntries(
  img: ImageDirectory,
  tileSize: number,
  offsets: Float64Array,
  byteCounts: Float64Array,
  encoder: TileEncoder,
  settings: EncodeSettings,
  big: boolean,
): IfdEntry[] {
  const type = big ? FieldType.LONG8 : FieldType.LONG;
  return [
    ...baseEntries(img, encoder, settings),
    { tag: Tag.TileWidth, type: FieldType.LONG, values: [tileSize] },
    { tag: Tag.TileLength, type: FieldType.LONG, values: [tileSize] },
    { tag: Tag.TileOffsets, type, values: offsets },
    { tag: Tag.TileByteCounts, type, values: byteCounts },
  ];
}

/** Directory of an image stored as one strip (associated images). */
export function strippedEntries(
  img: ImageDirectory,
  offset: number,
  byteCount: number,
  encoder: TileEncoder,
  settings: EncodeSettings,
  big: boolean,
): IfdEntry[] {
  const type = big ? FieldType.LONG8 : FieldType.LONG;
  return [
    ...baseEntries(img, encoder, settings),
    { tag: Tag.RowsPerStrip, type: FieldType.LONG, values: [img.height] },
    { tag: Tag.StripOffsets, type, values: [offset] },
    { tag: Tag.StripByteCounts, type, values: [byteCount] },
  ];
}
