import { WsiError } from "./errors";
import { getCodec } from "./codecs/registry";
import type { DecodeContext } from "./codecs/types";
import { type SampleLayout, toRgba } from "./tiff/to-rgba";

/** One tile decode, as sent to a worker: compressed bytes in, RGBA `tileWidth × tileHeight` out. */
export interface DecodeTask {
  compression: number;
  ctx: DecodeContext;
  layout: SampleLayout;
  raw: Uint8Array;
  /** For error messages, e.g. "tile 12 of IFD at byte 3456". */
  what: string;
}

/** Runs a decode task in the current thread (used by workers and when the pool size is 0). */
export async function runDecodeTask(task: DecodeTask): Promise<Uint8Array> {
  const { ctx } = task;
  const codec = await getCodec(task.compression);
  if (codec === undefined) throw new WsiError("UNSUPPORTED_COMPRESSION", ctx.path, `unsupported TIFF compression ${task.compression}`);
  let pixels;
  try {
    pixels = await codec.decode(task.raw, ctx);
  } catch (cause) {
    if (cause instanceof WsiError) throw cause;
    throw new WsiError("DECODE_FAILED", ctx.path, `cannot decode ${task.what} (${codec.name}): ${(cause as Error)?.message ?? String(cause)}`, { cause });
  }
  return toRgba(pixels, task.layout, ctx.path);
}
