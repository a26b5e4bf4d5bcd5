import { tagString, type Ifd, type TiffFile } from "../tiff/ifd";
import { TiffImage } from "../tiff/image";
import { Tag } from "../tiff/tags";
import { isTiled, requireCodec } from "./generic-tiff";
import { tiffAssociated, tiledLevel } from "./tiff-sources";
import { tiffProperties } from "./tiff-properties";
import type { AssociatedSource, FormatReader, SlideLayout } from "./types";

/** Parses an Aperio ImageDescription (`header|Key = value|…`) into `aperio.Key` properties. */
export function parseAperioDescription(description: string): Record<string, string> {
  const props: Record<string, string> = {};
  const parts = description.split("|");
  for (const part of parts.slice(1)) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim();
    if (key !== "") props[`aperio.${key}`] = part.slice(eq + 1).trim();
  }
  return props;
}

function parsePositive(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

/** Aperio SVS: first ImageDescription starts with "Aperio"; tiled IFDs are levels; stripped ones associated images. */
export const aperioReader: FormatReader = {
  vendor: "aperio",
  detect: (tiff) => {
    const ifd = tiff.ifds[0] as Ifd;
    return isTiled(ifd) && (tagString(ifd, Tag.ImageDescription) ?? "").startsWith("Aperio");
  },
  async open(tiff: TiffFile): Promise<SlideLayout> {
    const first = tiff.ifds[0] as Ifd;
    const description = tagString(first, Tag.ImageDescription) ?? "";
    const levels: TiffImage[] = [];
    const associated = new Map<string, AssociatedSource>();
    tiff.ifds.forEach((ifd, index) => {
      if (isTiled(ifd)) {
        const image = new TiffImage(tiff, ifd);
        requireCodec(image);
        levels.push(image);
        return;
      }
      const name = index === 1 ? "thumbnail" : associatedName(tagString(ifd, Tag.ImageDescription));
      if (name !== undefined && name !== "" && !associated.has(name)) associated.set(name, tiffAssociated(new TiffImage(tiff, ifd)));
    });
    const properties: Record<string, string> = { ...tiffProperties(first), ...parseAperioDescription(description), "openslide.comment": description };
    const mpp = parsePositive(properties["aperio.MPP"]);
    return {
      vendor: "aperio",
      levels: levels.map((image) => tiledLevel(image)),
      quickhashIfd: levels[levels.length - 1]?.ifd,
      associated,
      properties,
      mpp: mpp === undefined ? undefined : { x: mpp, y: mpp },
      objectivePower: parseInteger(properties["aperio.AppMag"]),
    };
  },
};

/**
 * OpenSlide names a stripped Aperio image after the first space-separated word of the second line of
 * its ImageDescription (lines split at every CR or LF, as g_strsplit_set does): "label", "macro", …
 */
function associatedName(description: string | undefined): string | undefined {
  if (description === undefined) return undefined;
  const lines = description.split(/[\r\n]/);
  if (lines.length < 2) return undefined;
  const line = lines[1] as string;
  return line === "" ? undefined : line.split(" ")[0];
}

/** OpenSlide copies aperio.AppMag to the objective power only when it is a whole number. */
function parseInteger(value: string | undefined): number | undefined {
  if (value === undefined || !/^\s*[+-]?\d+$/.test(value)) return undefined;
  return Number(value);
}
