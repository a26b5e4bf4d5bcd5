import { type Ifd, tagNumber, tagString } from "../tiff/ifd";
import { Tag } from "../tiff/tags";
import { formatG17 } from "./format-number";

const stringTags: ReadonlyArray<[number, string]> = [
  [Tag.ImageDescription, "ImageDescription"],
  [Tag.Make, "Make"],
  [Tag.Model, "Model"],
  [Tag.Software, "Software"],
  [Tag.DateTime, "DateTime"],
  [315, "Artist"],
  [316, "HostComputer"],
  [33432, "Copyright"],
  [269, "DocumentName"],
];
const floatTags: ReadonlyArray<[number, string]> = [
  [Tag.XResolution, "XResolution"],
  [Tag.YResolution, "YResolution"],
  [286, "XPosition"],
  [287, "YPosition"],
];
const resolutionUnits = new Map<number, string>([
  [1, "none"],
  [2, "inch"],
  [3, "centimeter"],
]);

/** The `tiff.*` properties (and `openslide.comment`) OpenSlide derives from one IFD (strings, float tags as doubles, ResolutionUnit). */
export function tiffProperties(ifd: Ifd): Record<string, string> {
  const props: Record<string, string> = {};
  const description = tagString(ifd, Tag.ImageDescription);
  if (description !== undefined) props["openslide.comment"] = description;
  for (const [tag, name] of stringTags) {
    const v = tagString(ifd, tag);
    if (v !== undefined) props[`tiff.${name}`] = v;
  }
  for (const [tag, name] of floatTags) {
    const v = tagNumber(ifd, tag);
    if (v !== undefined && Number.isFinite(v)) props[`tiff.${name}`] = formatG17(v);
  }
  const unit = tagNumber(ifd, Tag.ResolutionUnit, 2) ?? 2;
  props["tiff.ResolutionUnit"] = resolutionUnits.get(unit) ?? "unknown";
  return props;
}
