import { WsiError } from "../errors";
import { hasCodec } from "../codecs/registry";
import { readIfd, tagNumbers, type Ifd, type TiffFile } from "../tiff/ifd";
import { TiffImage } from "../tiff/image";
import { Tag } from "../tiff/tags";
import { tiledLevel } from "./tiff-sources";
import { tiffProperties } from "./tiff-properties";
import type { FormatReader, SlideLayout } from "./types";

/** True when the IFD stores tiles (TileWidth and TileOffsets present). */
export function isTiled(ifd: Ifd): boolean {
  return ifd.tags.has(Tag.TileWidth) && ifd.tags.has(Tag.TileOffsets);
}

/** Fails with `UNSUPPORTED_COMPRESSION` when no codec decodes the image (OpenSlide refuses such files at open). */
export function requireCodec(image: TiffImage): void {
  if (!hasCodec(image.compression)) {
    throw new WsiError("UNSUPPORTED_COMPRESSION", image.tiff.source.path, `unsupported TIFF compression ${image.compression} in IFD at byte ${image.ifd.offset}`);
  }
}

/** Tiled images of the main IFD chain plus those listed in SubIFDs (tag 330), largest first. */
export async function pyramidImages(tiff: TiffFile): Promise<TiffImage[]> {
  const ifds: Ifd[] = [];
  const seen = new Set<number>();
  for (const ifd of tiff.ifds) {
    ifds.push(ifd);
    seen.add(ifd.offset);
  }
  for (const ifd of tiff.ifds.slice(0, 1)) {
    for (const off of tagNumbers(ifd, Tag.SubIFDs)) {
      if (seen.has(off) || off <= 0 || off >= tiff.source.size) continue;
      seen.add(off);
      ifds.push((await readIfd(tiff, off)).ifd);
    }
  }
  const images = ifds.filter(isTiled).map((ifd) => new TiffImage(tiff, ifd));
  images.forEach(requireCodec);
  return images.sort((a, b) => b.width - a.width || b.height - a.height);
}

/** Generic tiled (pyramidal) TIFF / BigTIFF: any TIFF whose first image is tiled. */
export const genericTiffReader: FormatReader = {
  vendor: "generic-tiff",
  detect: (tiff) => isTiled(tiff.ifds[0] as Ifd),
  async open(tiff: TiffFile): Promise<SlideLayout> {
    const images = await pyramidImages(tiff);
    return {
      vendor: "generic-tiff",
      levels: images.map((image) => tiledLevel(image)),
      quickhashIfd: images[images.length - 1]?.ifd,
      associated: new Map(),
      properties: tiffProperties(tiff.ifds[0] as Ifd),
      mpp: undefined,
      objectivePower: undefined,
    };
  },
};
