import type { TiffFile } from "../tiff/ifd";
import type { Vendor } from "../types";
import { aperioReader } from "./aperio";
import { genericTiffReader } from "./generic-tiff";
import { ndpiReader } from "./ndpi";
import { philipsReader } from "./philips";
import type { FormatReader } from "./types";

/**
 * Vendor → format reader, tried in insertion order (most specific first, generic TIFF last),
 * like OpenSlide's format list. {@link registerFormat} adds one.
 */
const formats = new Map<Vendor | string, FormatReader>([
  ["hamamatsu", ndpiReader],
  ["aperio", aperioReader],
  ["philips", philipsReader],
  ["generic-tiff", genericTiffReader],
]);

/** Adds a format reader; `first` puts it ahead of the built-in ones. */
export function registerFormat(reader: FormatReader, options: { first?: boolean } = {}): void {
  const { first = true } = options;
  formats.delete(reader.vendor);
  if (!first) {
    formats.set(reader.vendor, reader);
    return;
  }
  const rest = [...formats.entries()];
  formats.clear();
  formats.set(reader.vendor, reader);
  for (const [k, v] of rest) formats.set(k, v);
}

/** The first registered reader that claims the TIFF, or undefined. */
export function findFormat(tiff: TiffFile): FormatReader | undefined {
  for (const reader of formats.values()) if (reader.detect(tiff)) return reader;
  return undefined;
}
