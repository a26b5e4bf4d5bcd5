import { WsiError } from "../errors";
import { decodeJpegScaled } from "../codecs/jpeg";
import { parseJpegHeader, withDimensions } from "../codecs/jpeg-header";
import { type Ifd, type TiffFile, tagNumber, tagNumbers, tagString } from "../tiff/ifd";
import { TiffImage } from "../tiff/image";
import { Compression, Tag } from "../tiff/tags";
import { toRgba } from "../tiff/to-rgba";
import { tiffAssociated } from "./tiff-sources";
import { formatG17 } from "./format-number";
import { tiffProperties } from "./tiff-properties";
import type { AssociatedSource, FormatReader, SlideLayout, TileSource } from "./types";

/** OpenSlide also offers every NDPI level decoded with libjpeg DCT scaling at these factors. */
const JPEG_SCALES = [1, 2, 4, 8] as const;

/** One NDPI level without restart markers is decoded whole; refuse absurd sizes (pixels). */
const MAX_WHOLE_PIXELS = 2 ** 26;
const HEADER_PROBE = 1 << 16;

/**
 * Hamamatsu NDPI: TIFF with NDPI tags; every level is one JPEG strip. With restart markers (DRI and the
 * McuStarts tag 65426) each restart interval is addressable and becomes a tile of interval × 1 MCU rows,
 * as OpenSlide reads it; otherwise the whole level is one tile.
 */
export const ndpiReader: FormatReader = {
  vendor: "hamamatsu",
  detect: (tiff) => tiff.ndpi,
  async open(tiff: TiffFile): Promise<SlideLayout> {
    const path = tiff.source.path;
    const levels: { scale: number; source: TileSource }[] = [];
    let smallest: { width: number; ifd: Ifd } | undefined;
    const associated = new Map<string, AssociatedSource>();
    for (const ifd of tiff.ifds) {
      const lens = tagNumber(ifd, Tag.NdpiSourceLens);
      const focal = tagNumber(ifd, Tag.NdpiFocalPlane, 0);
      if (lens === undefined) continue;
      if (lens === -1) {
        if (!associated.has("macro")) associated.set("macro", tiffAssociated(new TiffImage(tiff, ifd)));
        continue;
      }
      if (lens <= 0 || focal !== 0) continue;
      const base = await ndpiLevel(tiff, ifd);
      if (smallest === undefined || base.width < smallest.width) smallest = { width: base.width, ifd };
      for (const scale of JPEG_SCALES) {
        // OpenSlide offers a scaled level only when the tile divides evenly by the scale
        if (base.tileWidth % scale === 0 && base.tileHeight % scale === 0) levels.push({ scale, source: scaledLevel(base, scale) });
      }
    }
    if (levels.length === 0) throw new WsiError("CORRUPT", path, "NDPI file has no pyramid level (no IFD with a positive source lens at focal plane 0)");
    // Largest first; where a JPEG-scaled level has the size of a stored one, the stored (less scaled) one wins.
    levels.sort((a, b) => b.source.width - a.source.width || b.source.height - a.source.height || a.scale - b.scale);
    const pyramid = levels.filter((l, i) => {
      const prev = levels[i - 1];
      return prev === undefined || prev.source.width !== l.source.width || prev.source.height !== l.source.height;
    }).map((l) => l.source);
    const first = tiff.ifds[0] as Ifd;
    const properties: Record<string, string> = { ...tiffProperties(first), ...ndpiProperties(first) };
    const lens = tagNumber(first, Tag.NdpiSourceLens);
    return {
      vendor: "hamamatsu",
      levels: pyramid,
      quickhashIfd: smallest?.ifd,
      associated,
      properties,
      mpp: resolutionMpp(first),
      mppFormat: formatG17,
      objectivePower: lens !== undefined && lens > 0 ? Math.fround(lens) : undefined,
    };
  },
};

/** µm/px from X/YResolution when the unit is centimetres (as OpenSlide derives NDPI mpp). */
export function resolutionMpp(ifd: Ifd): { x: number; y: number } | undefined {
  const unit = tagNumber(ifd, Tag.ResolutionUnit, 2);
  const xr = tagNumber(ifd, Tag.XResolution);
  const yr = tagNumber(ifd, Tag.YResolution);
  if (unit !== 3 || xr === undefined || yr === undefined || !(xr > 0) || !(yr > 0)) return undefined;
  return { x: 10000 / xr, y: 10000 / yr };
}

function ndpiProperties(ifd: Ifd): Record<string, string> {
  const props: Record<string, string> = {};
  const num = (tag: number, name: string) => {
    const v = tagNumber(ifd, tag);
    if (v !== undefined) props[`hamamatsu.${name}`] = String(Math.fround(v) === v ? v : v);
  };
  num(Tag.NdpiSourceLens, "SourceLens");
  num(Tag.NdpiXOffsetFromCenter, "XOffsetFromSlideCentre");
  num(Tag.NdpiYOffsetFromCenter, "YOffsetFromSlideCentre");
  const ref = tagString(ifd, Tag.NdpiReference);
  if (ref !== undefined) props["hamamatsu.Reference"] = ref;
  const map = tagString(ifd, Tag.NdpiPropertyMap);
  for (const line of (map ?? "").split(/\r?\n/)) {
    const eq = line.indexOf("=");
    if (eq > 0) props[`hamamatsu.${line.slice(0, eq)}`] = line.slice(eq + 1);
  }
  return props;
}

/** A stored NDPI level: how to build the JPEG stream of each tile (restart interval or whole image). */
interface NdpiBase {
  path: string;
  width: number;
  height: number;
  tileWidth: number;
  tileHeight: number;
  tilesAcross: number;
  tilesDown: number;
  /** JPEG sampling factors per component. */
  sampling: [number, number][];
  stream(index: number): Promise<Uint8Array>;
}

async function ndpiLevel(tiff: TiffFile, ifd: Ifd): Promise<NdpiBase> {
  const path = tiff.source.path;
  const image = new TiffImage(tiff, ifd);
  if (image.compression !== Compression.Jpeg || image.tiled || image.tileCount !== 1) {
    throw new WsiError("UNSUPPORTED_FORMAT", path, `NDPI level in IFD at byte ${ifd.offset}: expected one JPEG strip, found compression ${image.compression} with ${image.tileCount} chunks`);
  }
  const start = image.offsets[0] as number;
  const length = image.byteCounts[0] as number;
  const headBytes = await tiff.source.read(start, Math.min(length, HEADER_PROBE), "NDPI JPEG header");
  const header = parseJpegHeader(headBytes);
  if (header === undefined) throw new WsiError("CORRUPT", path, `NDPI level in IFD at byte ${ifd.offset}: JPEG header not found in the first ${HEADER_PROBE} bytes`);
  const high = tagNumbers(ifd, Tag.NdpiMcuStartsHigh);
  const starts = tagNumbers(ifd, Tag.NdpiMcuStarts).map((v, i) => v + (high[i] ?? 0) * 2 ** 32);
  const mcusAcross = Math.ceil(header.width / header.mcuWidth);
  const mcusDown = Math.ceil(header.height / header.mcuHeight);
  const ri = header.restartInterval;
  const tiledByRestart = ri > 0 && mcusAcross % ri === 0 && starts.length === (mcusAcross / ri) * mcusDown;
  if (!tiledByRestart) {
    if (header.width * header.height > MAX_WHOLE_PIXELS) {
      throw new WsiError("UNSUPPORTED_FORMAT", path, `NDPI level ${header.width}x${header.height} has no usable restart markers and is too large to decode whole`);
    }
    return {
      path, width: image.width, height: image.height, tileWidth: header.width, tileHeight: header.height, tilesAcross: 1, tilesDown: 1, sampling: header.sampling,
      stream: () => tiff.source.read(start, length, "NDPI level JPEG"),
    };
  }
  const tileWidth = ri * header.mcuWidth;
  const tileHeight = header.mcuHeight;
  const prefix = withDimensions(headBytes, header, tileWidth, tileHeight);
  const tilesAcross = Math.floor(image.width / tileWidth);
  return {
    // OpenSlide only addresses whole restart intervals: a partial last MCU row or column reads as transparent.
    path, width: image.width, height: image.height, tileWidth, tileHeight, sampling: header.sampling,
    tilesAcross, tilesDown: Math.floor(image.height / tileHeight),
    async stream(index) {
      const row = Math.floor(index / tilesAcross);
      const interval = row * (mcusAcross / ri) + (index % tilesAcross);
      const from = starts[interval] as number;
      const to = interval + 1 < starts.length ? (starts[interval + 1] as number) : length;
      if (!(from >= header.dataStart && to > from && to <= length)) {
        throw new WsiError("CORRUPT", path, `NDPI restart interval ${index} has invalid bounds ${from}..${to}`);
      }
      const data = await tiff.source.read(start + from, to - from, `NDPI restart interval ${index}`);
      let end = data.length;
      if (end >= 2 && data[end - 2] === 0xff && ((data[end - 1] as number) & 0xf8) === 0xd0) end -= 2; // trailing RSTn
      const out = new Uint8Array(prefix.length + end + 2);
      out.set(prefix);
      out.set(data.subarray(0, end), prefix.length);
      out[out.length - 2] = 0xff;
      out[out.length - 1] = 0xd9;
      return out;
    },
  };
}

/** The level `base` decoded at 1/`scale` (OpenSlide's scaled JPEG decode, see scaled-decode.ts). */
function scaledLevel(base: NdpiBase, scale: number): TileSource {
  const tileWidth = Math.max(1, Math.floor(base.tileWidth / scale));
  const tileHeight = Math.max(1, Math.floor(base.tileHeight / scale));
  const width = Math.max(1, Math.floor(base.width / scale));
  const height = Math.max(1, Math.floor(base.height / scale));
  const layout = { tileWidth, tileHeight, photometric: 6, samplesPerPixel: 3, bitsPerSample: 8, predictor: 1, extraSamples: [] };
  return {
    width, height, tileWidth, tileHeight, tilesAcross: base.tilesAcross, tilesDown: base.tilesDown,
    async readTile(index) {
      const stream = await base.stream(index);
      const pixels = await decode(stream, base.path, index, scale, base.sampling);
      const rgba = toRgba(pixels, layout, base.path);
      clip(rgba, tileWidth, tileHeight, width - (index % base.tilesAcross) * tileWidth, height - Math.floor(index / base.tilesAcross) * tileHeight);
      return rgba;
    },
  };
}

async function decode(stream: Uint8Array, path: string, index: number, scale: number, sampling: [number, number][]) {
  try {
    return await decodeJpegScaled(stream, scale, sampling);
  } catch (cause) {
    throw new WsiError("DECODE_FAILED", path, `cannot decode NDPI JPEG tile ${index}: ${(cause as Error).message}`, { cause });
  }
}

function clip(tile: Uint8Array, tw: number, th: number, visibleW: number, visibleH: number): void {
  const vw = Math.min(tw, visibleW);
  const vh = Math.min(th, visibleH);
  if (vw < tw) for (let y = 0; y < vh; y++) tile.fill(0, (y * tw + vw) * 4, (y + 1) * tw * 4);
  if (vh < th) tile.fill(0, vh * tw * 4);
}
