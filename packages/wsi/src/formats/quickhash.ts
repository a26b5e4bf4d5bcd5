import { createHash } from "node:crypto";
import { type Ifd, type TiffFile, tagNumbers, tagString } from "../tiff/ifd";
import { Tag } from "../tiff/tags";

/** The string tags OpenSlide hashes, in its order, with its property names. */
const hashedTags: ReadonlyArray<[number, string]> = [
  [Tag.ImageDescription, "tiff.ImageDescription"],
  [Tag.Make, "tiff.Make"],
  [Tag.Model, "tiff.Model"],
  [Tag.Software, "tiff.Software"],
  [Tag.DateTime, "tiff.DateTime"],
  [315, "tiff.Artist"],
  [316, "tiff.HostComputer"],
  [33432, "tiff.Copyright"],
  [269, "tiff.DocumentName"],
];

/** Above this many bytes of smallest-level data OpenSlide gives no quickhash. */
const MAX_HASHED_BYTES = 5 << 20;

/**
 * OpenSlide's `openslide.quickhash-1` for TIFF-based slides: SHA-256 over the raw tiles or strips of the
 * smallest level (`levelIfd`), then each hashed tag of `propertyIfd` as "name\0value\0" (missing value
 * = empty). Undefined when the smallest level holds more than 5 MiB, as in OpenSlide.
 */
export async function quickhash1(tiff: TiffFile, levelIfd: Ifd, propertyIfd: Ifd): Promise<string | undefined> {
  const tiled = levelIfd.tags.has(Tag.TileOffsets);
  const offsets = tagNumbers(levelIfd, tiled ? Tag.TileOffsets : Tag.StripOffsets);
  const lengths = tagNumbers(levelIfd, tiled ? Tag.TileByteCounts : Tag.StripByteCounts);
  if (offsets.length === 0 || offsets.length !== lengths.length) return undefined;
  let total = 0;
  for (const n of lengths) {
    total += n;
    if (total > MAX_HASHED_BYTES) return undefined;
  }
  const hash = createHash("sha256");
  for (let i = 0; i < offsets.length; i++) {
    if ((lengths[i] as number) > 0) hash.update(await tiff.source.read(offsets[i] as number, lengths[i] as number, "tile for quickhash"));
  }
  for (const [tag, name] of hashedTags) {
    hash.update(Buffer.from(`${name}\0`, "latin1"));
    hash.update(Buffer.from(`${tagString(propertyIfd, tag) ?? ""}\0`, "latin1"));
  }
  return hash.digest("hex");
}
