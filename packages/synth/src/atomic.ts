import { randomBytes } from "node:crypto";
import { rename, unlink, writeFile } from "node:fs/promises";
import sharp from "sharp";

/** Writes a file atomically: temporary file in the same folder, then rename. */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  try {
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (error) {
    await unlink(tmp).catch(() => undefined);
    throw error;
  }
}

/** Encodes a one-channel 8-bit image as PNG and writes it atomically. */
export async function writeGrayPng(path: string, data: Uint8Array, width: number, height: number): Promise<void> {
  const png = await sharp(data, { raw: { width, height, channels: 1 } }).png({ compressionLevel: 9 }).toBuffer();
  await writeFileAtomic(path, png);
}
