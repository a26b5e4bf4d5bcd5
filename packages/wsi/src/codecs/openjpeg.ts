import { createRequire } from "node:module";

/** The part of the @cornerstonejs/codec-openjpeg module we use. */
interface J2KDecoder {
  getEncodedBuffer(length: number): Uint8Array;
  decode(): void;
  getDecodedBuffer(): Uint8Array;
  getFrameInfo(): { width: number; height: number; bitsPerSample: number; componentCount: number; isSigned: boolean };
  delete(): void;
}
interface OpenJpegModule {
  J2KDecoder: new () => J2KDecoder;
}

let loading: Promise<OpenJpegModule> | undefined;

/**
 * Loads OpenJPEG (WebAssembly build from @cornerstonejs/codec-openjpeg) once. Its JS entry is CommonJS,
 * so it is loaded with createRequire; Emscripten's stdout/stderr are routed to no-ops so the library
 * never prints.
 */
export function loadOpenJpeg(): Promise<OpenJpegModule> {
  loading ??= (async () => {
    const require = createRequire(import.meta.url);
    const factory = require("@cornerstonejs/codec-openjpeg/decodewasmjs") as (opts: object) => Promise<OpenJpegModule>;
    const noop = (): void => undefined;
    return factory({ print: noop, printErr: noop });
  })();
  return loading;
}

/** Decodes one JPEG 2000 codestream to interleaved 8-bit samples. */
export async function decodeJ2k(data: Uint8Array, maxPixels = 2 ** 26): Promise<{ data: Uint8Array; width: number; height: number; channels: number }> {
  const m = await loadOpenJpeg();
  const decoder = new m.J2KDecoder();
  try {
    const head = codestreamSize(data);
    if (head !== undefined && (!(head.width > 0 && head.height > 0) || head.width * head.height > maxPixels || head.components > 4)) {
      throw new Error(`JPEG 2000 header declares ${head.width}x${head.height}x${head.components}, not a tile`);
    }
    decoder.getEncodedBuffer(data.length).set(data);
    decoder.decode();
    const info = decoder.getFrameInfo();
    if (info.bitsPerSample > 8) throw new Error(`JPEG 2000 with ${info.bitsPerSample} bits per sample is not supported`);
    return { data: decoder.getDecodedBuffer().slice(), width: info.width, height: info.height, channels: info.componentCount };
  } catch (err) {
    // Emscripten throws bare numbers (exception pointers); give callers an Error with a message.
    throw err instanceof Error ? err : new Error(`OpenJPEG failed (${String(err)})`);
  } finally {
    decoder.delete();
  }
}

/** Image size and component count from a raw codestream's SIZ segment (undefined for other layouts). */
export function codestreamSize(data: Uint8Array): { width: number; height: number; components: number } | undefined {
  if (data.length < 42 || data[0] !== 0xff || data[1] !== 0x4f || data[2] !== 0xff || data[3] !== 0x51) return undefined;
  const v = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const width = v.getUint32(8) - v.getUint32(16);
  const height = v.getUint32(12) - v.getUint32(20);
  return { width, height, components: v.getUint16(40) };
}
