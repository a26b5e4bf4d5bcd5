import { WsiError } from "./errors";
import { findFormat } from "./formats/registry";
import { FileSource } from "./io/file-source";
import { LayoutSlide } from "./slide/layout-slide";
import { quickhash1 } from "./formats/quickhash";
import { type Ifd, readTiff, readTiffHeader, type TiffFile } from "./tiff/ifd";
import type { OpenSlideOptions, Slide, Vendor } from "./types";

/**
 * Opens a whole-slide image with OpenSlide semantics. Only the TIFF structure is read here; pixels are
 * read on demand with positioned reads. Fails with a {@link WsiError} naming the file.
 */
export async function openSlide(path: string, options: OpenSlideOptions = {}): Promise<Slide> {
  const source = await FileSource.open(path);
  try {
    const tiff = await parse(source);
    const reader = findFormat(tiff);
    if (reader === undefined) {
      throw new WsiError("UNTILED", path, "TIFF main image is not tiled (stripped images are not supported, as in OpenSlide)");
    }
    const layout = await reader.open(tiff);
    if (layout.quickhashIfd !== undefined) {
      const hash = await quickhash1(tiff, layout.quickhashIfd, tiff.ifds[0] as Ifd);
      if (hash !== undefined) layout.properties["openslide.quickhash-1"] = hash;
    }
    return new LayoutSlide(source, layout, options);
  } catch (err) {
    await source.close().catch(() => undefined);
    throw wrap(err, path);
  }
}

/** Which vendor reader claims the file (OpenSlide's `detect_format`), or undefined for none. */
export async function detectFormat(path: string): Promise<Vendor | undefined> {
  const source = await FileSource.open(path);
  try {
    if ((await readTiffHeader(source)) === undefined) return undefined;
    const tiff = await readTiff(source).catch(() => undefined);
    if (tiff === undefined) return undefined;
    return findFormat(tiff)?.vendor as Vendor | undefined;
  } finally {
    await source.close();
  }
}

async function parse(source: FileSource): Promise<TiffFile> {
  if ((await readTiffHeader(source)) === undefined) {
    throw new WsiError("UNSUPPORTED_FORMAT", source.path, "unsupported or missing image file: not a TIFF-based slide format (no II*/MM* header)");
  }
  return readTiff(source);
}

/** Any non-WsiError escaping a reader becomes a CORRUPT WsiError naming the file. */
export function wrap(err: unknown, path: string): WsiError {
  if (err instanceof WsiError) return err;
  return new WsiError("CORRUPT", path, `cannot read slide: ${(err as Error)?.message ?? String(err)}`, { cause: err });
}
