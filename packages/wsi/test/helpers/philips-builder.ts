import sharp from "sharp";
import { encodeDeflate } from "./encoders";
import { jpegOf } from "./pyramid";
import { basicTags, cutTiles, type ImageSpec, testPicture } from "./tiff-builder";

const attr = (name: string, pmsvr: string, value: string) => `<Attribute Name="${name}" Group="0x0000" Element="0x0000" PMSVR="${pmsvr}">${value}</Attribute>`;

/** Philips DPUfsImport XML describing a WSI pyramid plus label and macro images (base64 JPEG). */
export function philipsXml(levels: { cols: number; rows: number; spacing: number }[], width: number, height: number, label: string, macro: string): string {
  const reps = levels.map((l, i) => `<DataObject ObjectType="PixelDataRepresentation">
${attr("DICOM_PIXEL_SPACING", "IDoubleArray", `&quot;${l.spacing}&quot; &quot;${l.spacing}&quot;`)}
${attr("PIIM_DP_PIXEL_DATA_REPRESENTATION_POSITION", "IDoubleArray", "&quot;0&quot; &quot;0&quot; &quot;0&quot;")}
${attr("PIIM_PIXEL_DATA_REPRESENTATION_COLUMNS", "IUInt32", String(l.cols))}
${attr("PIIM_PIXEL_DATA_REPRESENTATION_NUMBER", "IUInt32", String(i))}
${attr("PIIM_PIXEL_DATA_REPRESENTATION_ROWS", "IUInt32", String(l.rows))}
</DataObject>`).join("\n");
  return `<?xml version="1.0" encoding="UTF-8" ?>
<DataObject ObjectType="DPUfsImport">
${attr("DICOM_MANUFACTURER", "IString", "PHILIPS")}
${attr("DICOM_SOFTWARE_VERSIONS", "IStringArray", "&quot;1.6.5505&quot;")}
${attr("PIM_DP_UFS_BARCODE", "IString", "MTAxNzI2OA==")}
${attr("PIM_DP_SCANNED_IMAGES", "IDataObjectArray", `<Array>
<DataObject ObjectType="DPScannedImage">
${attr("DICOM_PIXEL_SPACING", "IDoubleArray", "&quot;0.000226316&quot; &quot;0.000226321&quot;")}
${attr("PIM_DP_IMAGE_COLUMNS", "IUInt32", String(width))}
${attr("PIM_DP_IMAGE_ROWS", "IUInt32", String(height))}
${attr("PIM_DP_IMAGE_TYPE", "IString", "WSI")}
${attr("PIIM_PIXEL_DATA_REPRESENTATION_SEQUENCE", "IDataObjectArray", `<Array>\n${reps}\n</Array>`)}
</DataObject>
<DataObject ObjectType="DPScannedImage">
${attr("PIM_DP_IMAGE_TYPE", "IString", "LABELIMAGE")}
${attr("PIM_DP_IMAGE_DATA", "IString", label)}
</DataObject>
<DataObject ObjectType="DPScannedImage">
${attr("PIM_DP_IMAGE_TYPE", "IString", "MACROIMAGE")}
${attr("PIM_DP_IMAGE_DATA", "IString", macro)}
</DataObject>
</Array>`)}
</DataObject>
`;
}

/** A Philips-like TIFF: tile-padded levels (JPEG or Deflate tiles) with the real sizes in the XML. */
export async function buildPhilipsImages(width = 1000, height = 700, tile = 256, jpeg = true): Promise<ImageSpec[]> {
  const levels: { cols: number; rows: number; spacing: number; w: number; h: number }[] = [];
  for (let i = 0, w = width, h = height; i < 3; i++, w = Math.ceil(w / 2), h = Math.ceil(h / 2)) {
    levels.push({ w, h, cols: Math.ceil(w / tile) * tile, rows: Math.ceil(h / tile) * tile, spacing: Number((0.000227273 * 2 ** i).toPrecision(6)) });
  }
  const labelJpeg = await sharp(testPicture(60, 40, 3, 3), { raw: { width: 60, height: 40, channels: 3 } }).jpeg().toBuffer();
  const macroJpeg = await sharp(testPicture(150, 50, 3, 4), { raw: { width: 150, height: 50, channels: 3 } }).jpeg().toBuffer();
  const xml = philipsXml(levels, width, height, labelJpeg.toString("base64"), macroJpeg.toString("base64"));
  const images: ImageSpec[] = [];
  for (const [i, l] of levels.entries()) {
    const pic = testPicture(l.cols, l.rows, 3, 1 + i);
    const raw = cutTiles(pic, l.cols, l.rows, 3, tile, tile);
    const chunks = jpeg ? await Promise.all(raw.map((t) => jpegOf(t, tile, tile, 85))) : raw.map(encodeDeflate);
    images.push({
      tiled: true,
      chunks,
      tags: [
        ...basicTags({ width: l.cols, height: l.rows, compression: jpeg ? 7 : 8, photometric: jpeg ? 6 : 2, tile: [tile, tile], subfile: i === 0 ? 0 : 1, description: i === 0 ? xml : undefined }),
        { tag: 305, type: "ascii", value: "Philips DP v1.0" },
        ...(jpeg ? [{ tag: 530, type: "short" as const, value: [2, 2] }] : []),
      ],
    });
  }
  return images;
}
