import { readFile } from "node:fs/promises";
import { writeFileAtomic } from "../io/atomic";
import { requirePackage } from "../ports/modules";
import type { MaskPort } from "../ports/pipeline";
import type { RgbaImagePort, SlidePort, WsiPort } from "../ports/wsi";

/** Opens a slide with @osfm/wsi, runs `fn`, always closes it. */
export async function withSlide<T>(path: string, fn: (slide: SlidePort) => Promise<T>): Promise<T> {
  const { openSlide } = await requirePackage<WsiPort>("wsi");
  const slide = await openSlide(path);
  try {
    return await fn(slide);
  } finally {
    await slide.close();
  }
}

async function sharpLib() {
  return (await import("sharp")).default;
}

/** Writes an RGBA image as PNG (atomically). */
export async function writeRgbaPng(path: string, image: RgbaImagePort): Promise<void> {
  const sharp = await sharpLib();
  const png = await sharp(Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength), { raw: { width: image.width, height: image.height, channels: 4 } }).png().toBuffer();
  await writeFileAtomic(path, png);
}

/** Writes a binary mask as an 8-bit grey PNG (0 / 255), atomically; its downsample goes in the QC row. */
export async function writeMaskPng(path: string, mask: MaskPort): Promise<void> {
  const sharp = await sharpLib();
  const grey = Buffer.alloc(mask.width * mask.height);
  for (let i = 0; i < grey.length; i++) grey[i] = mask.data[i] ? 255 : 0;
  await writeFileAtomic(path, await sharp(grey, { raw: { width: mask.width, height: mask.height, channels: 1 } }).png().toBuffer());
}

/** Reads a mask PNG written by {@link writeMaskPng}. */
export async function readMaskPng(path: string, downsample: number): Promise<MaskPort> {
  const sharp = await sharpLib();
  const { data, info } = await sharp(await readFile(path)).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
  const out = new Uint8Array(info.width * info.height);
  for (let i = 0; i < out.length; i++) out[i] = data[i]! > 127 ? 1 : 0;
  return { width: info.width, height: info.height, downsample, data: out };
}
