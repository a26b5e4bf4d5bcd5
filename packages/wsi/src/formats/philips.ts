import sharp from "sharp";
import { WsiError } from "../errors";
import { tagString, type Ifd, type TiffFile } from "../tiff/ifd";
import { TiffImage } from "../tiff/image";
import { Tag } from "../tiff/tags";
import type { RgbaImage } from "../types";
import { formatG17 } from "./format-number";
import { isTiled, requireCodec } from "./generic-tiff";
import { tiledLevel } from "./tiff-sources";
import { tiffProperties } from "./tiff-properties";
import type { AssociatedSource, FormatReader, SlideLayout, TileSource } from "./types";
import { parseXml, type XmlElement } from "./xml";

const isElement = (name: string) => (e: XmlElement) => e.name === name;

/** The DPUfsImport root of a Philips ImageDescription, or undefined. */
function philipsRoot(description: string | undefined): XmlElement | undefined {
  if (description === undefined || !description.includes("DPUfsImport")) return undefined;
  try {
    const root = parseXml(description).children.find(isElement("DataObject"));
    return root?.attrs.ObjectType === "DPUfsImport" ? root : undefined;
  } catch {
    return undefined;
  }
}

const attributes = (obj: XmlElement) => obj.children.filter(isElement("Attribute"));
const arrayItems = (attr: XmlElement) => (attr.children.find(isElement("Array"))?.children ?? []).filter(isElement("DataObject"));

/** `philips.*` properties as OpenSlide names them: top level, the WSI scanned image, and each pixel representation. */
function philipsProperties(root: XmlElement): { props: Record<string, string>; wsi: XmlElement | undefined; images: XmlElement[] } {
  const props: Record<string, string> = {};
  let wsi: XmlElement | undefined;
  const images: XmlElement[] = [];
  const addObject = (obj: XmlElement, prefix: string) => {
    for (const a of attributes(obj)) {
      const name = a.attrs.Name;
      if (name === undefined) continue;
      if (a.attrs.PMSVR === "IDataObjectArray") {
        if (name === "PIM_DP_SCANNED_IMAGES") {
          for (const img of arrayItems(a)) {
            images.push(img);
            const type = attributes(img).find((x) => x.attrs.Name === "PIM_DP_IMAGE_TYPE")?.text.trim();
            if (type === "WSI") {
              wsi = img;
              addObject(img, prefix);
            }
          }
        } else {
          arrayItems(a).forEach((item, i) => addObject(item, `${prefix}${name}[${i}].`));
        }
        continue;
      }
      props[`philips.${prefix}${name}`] = a.text;
    }
  };
  addObject(root, "");
  return { props, wsi, images };
}

/** First number of a DICOM double array like `"0.000227273" "0.000227273"`. */
function doubles(value: string | undefined): number[] {
  return (value ?? "").split(/\s+/).filter((s) => s !== "").map((s) => Number(s.replace(/"/g, ""))).filter(Number.isFinite);
}

/** Philips TIFF: Software starts with "Philips", ImageDescription is DPUfsImport XML. */
export const philipsReader: FormatReader = {
  vendor: "philips",
  detect: (tiff) => {
    const ifd = tiff.ifds[0] as Ifd;
    return isTiled(ifd) && (tagString(ifd, Tag.Software) ?? "").startsWith("Philips") && philipsRoot(tagString(ifd, Tag.ImageDescription)) !== undefined;
  },
  async open(tiff: TiffFile): Promise<SlideLayout> {
    const path = tiff.source.path;
    const first = tiff.ifds[0] as Ifd;
    const root = philipsRoot(tagString(first, Tag.ImageDescription));
    if (root === undefined) throw new WsiError("CORRUPT", path, "Philips ImageDescription is not DPUfsImport XML");
    const { props, images } = philipsProperties(root);
    const levelsImages = tiff.ifds
      .filter((ifd, i) => isTiled(ifd) && (i === 0 || ((ifd.tags.get(Tag.NewSubfileType) as number[] | undefined)?.[0] ?? 0) & 1))
      .map((ifd) => new TiffImage(tiff, ifd));
    levelsImages.forEach(requireCodec);
    const l0 = levelsImages[0] as TiffImage;
    // Levels are stored padded to whole tiles; their true size is level 0 divided by the spacing ratio.
    const spacing0 = doubles(props["philips.PIIM_PIXEL_DATA_REPRESENTATION_SEQUENCE[0].DICOM_PIXEL_SPACING"])[0];
    const levels: TileSource[] = levelsImages.map((image, i) => {
      if (i === 0) return tiledLevel(image);
      const spacing = doubles(props[`philips.PIIM_PIXEL_DATA_REPRESENTATION_SEQUENCE[${i}].DICOM_PIXEL_SPACING`])[0];
      const ratio = spacing0 !== undefined && spacing !== undefined && spacing0 > 0 ? spacing / spacing0 : l0.width / image.width;
      return tiledLevel(image, { width: Math.min(image.width, Math.round(l0.width / ratio)), height: Math.min(image.height, Math.round(l0.height / ratio)) });
    });
    const { "tiff.ImageDescription": _xml, "openslide.comment": _comment, ...tiffProps } = tiffProperties(first);
    const [spacingY, spacingX] = doubles(props["philips.DICOM_PIXEL_SPACING"]);
    const mpp = spacingX !== undefined && spacingY !== undefined && spacingX > 0 && spacingY > 0 ? { x: spacingX * 1000, y: spacingY * 1000 } : undefined;
    const associated = new Map<string, AssociatedSource>();
    for (const img of images) {
      const attrs = attributes(img);
      const type = attrs.find((a) => a.attrs.Name === "PIM_DP_IMAGE_TYPE")?.text.trim();
      const data = attrs.find((a) => a.attrs.Name === "PIM_DP_IMAGE_DATA")?.text;
      const name = type === "LABELIMAGE" ? "label" : type === "MACROIMAGE" ? "macro" : undefined;
      if (name === undefined || data === undefined || associated.has(name)) continue;
      associated.set(name, await base64Jpeg(path, name, data));
    }
    const quickhashIfd = levelsImages[levelsImages.length - 1]?.ifd;
    return { vendor: "philips", levels, associated, quickhashIfd, properties: { ...tiffProps, ...props }, mpp, objectivePower: undefined, mppFormat: formatG17 };
  },
};

async function base64Jpeg(path: string, name: string, b64: string): Promise<AssociatedSource> {
  const bytes = Buffer.from(b64.replace(/\s+/g, ""), "base64");
  let meta: sharp.Metadata;
  try {
    meta = await sharp(bytes).metadata();
  } catch (cause) {
    throw new WsiError("CORRUPT", path, `Philips ${name} image is not a readable JPEG`, { cause });
  }
  return {
    width: meta.width ?? 0,
    height: meta.height ?? 0,
    async read(): Promise<RgbaImage> {
      try {
        const { data, info } = await sharp(bytes).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
        return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
      } catch (cause) {
        throw new WsiError("DECODE_FAILED", path, `cannot decode Philips ${name} image`, { cause });
      }
    },
  };
}
