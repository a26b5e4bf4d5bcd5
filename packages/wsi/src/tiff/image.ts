import { WsiError } from "../errors";
import { hasCodec, isBuiltinCodec } from "../codecs/registry";
import { type DecodeTask, runDecodeTask } from "../decode-task";
import type { TileReadOptions } from "../formats/types";
import { decodeJpegStream, jpegPixelLimit } from "../codecs/jpeg";
import { decodeJpegNativeFile, isUnsupportedByNative, nativeJpegActive, nativeJpegReadsFiles, type NativeJpegPixels } from "../codecs/native-jpeg";
import type { PixelRect } from "../formats/types";
import { stackJpegTiles } from "../codecs/jpeg-stack";
import { expandRgb, type SampleLayout, toRgba } from "./to-rgba";
import { type Ifd, type TiffFile, tagBytes, tagNumber, tagNumbers } from "./ifd";
import { Compression, Photometric, Tag } from "./tags";

/** Largest tile or strip decoded in one piece (pixels): bounds memory on corrupt or hostile files. */
export const MAX_TILE_PIXELS = 2 ** 26;
/** Largest single read that several back-to-back tiles are coalesced into (bytes). */
const MAX_COALESCED_READ = 16 * 1024 * 1024;
/** Most tiles whose stored bytes are kept read ahead (see {@link TiffImage.readRawAhead}). */
const MAX_RAW_AHEAD = 128;

/**
 * One raster of a TIFF (a pyramid level or an associated image), tiled or stripped.
 * Strips are treated as tiles `width` wide and `RowsPerStrip` tall, so both share one read path.
 */
export class TiffImage {
  readonly tiff: TiffFile;
  readonly ifd: Ifd;
  readonly width: number;
  readonly height: number;
  readonly tiled: boolean;
  readonly tileWidth: number;
  readonly tileHeight: number;
  readonly tilesAcross: number;
  readonly tilesDown: number;
  readonly compression: number;
  readonly photometric: number;
  readonly samplesPerPixel: number;
  readonly bitsPerSample: number;
  readonly predictor: number;
  readonly extraSamples: number[];
  readonly jpegTables: Uint8Array | undefined;
  readonly offsets: number[];
  readonly byteCounts: number[];
  /** Stored bytes read ahead of need, per tile, until read (see {@link readRawAhead}). */
  private readonly rawAhead = new Map<number, Promise<Uint8Array | undefined>>();

  constructor(tiff: TiffFile, ifd: Ifd) {
    const path = tiff.source.path;
    this.tiff = tiff;
    this.ifd = ifd;
    this.width = tagNumber(ifd, Tag.ImageWidth, 0) ?? 0;
    this.height = tagNumber(ifd, Tag.ImageLength, 0) ?? 0;
    if (!(this.width > 0 && this.height > 0 && this.width < 2 ** 31 && this.height < 2 ** 31)) {
      throw new WsiError("CORRUPT", path, `IFD at byte ${ifd.offset}: image size ${this.width}x${this.height} is invalid`);
    }
    this.tiled = ifd.tags.has(Tag.TileWidth) && ifd.tags.has(Tag.TileOffsets);
    if (this.tiled) {
      this.tileWidth = tagNumber(ifd, Tag.TileWidth, 0) ?? 0;
      this.tileHeight = tagNumber(ifd, Tag.TileLength, 0) ?? 0;
      this.offsets = tagNumbers(ifd, Tag.TileOffsets);
      this.byteCounts = tagNumbers(ifd, Tag.TileByteCounts);
    } else {
      this.tileWidth = this.width;
      this.tileHeight = Math.min(tagNumber(ifd, Tag.RowsPerStrip, this.height) ?? this.height, this.height);
      this.offsets = tagNumbers(ifd, Tag.StripOffsets);
      this.byteCounts = tagNumbers(ifd, Tag.StripByteCounts);
    }
    if (!(this.tileWidth > 0 && this.tileHeight > 0 && this.tileWidth <= 65536 && this.tileHeight <= 65536 * 4)) {
      throw new WsiError("CORRUPT", path, `IFD at byte ${ifd.offset}: tile size ${this.tileWidth}x${this.tileHeight} is invalid`);
    }
    if (this.tileWidth * this.tileHeight > MAX_TILE_PIXELS) {
      throw new WsiError("UNSUPPORTED_FORMAT", path, `IFD at byte ${ifd.offset}: ${this.tiled ? "tile" : "strip"} of ${this.tileWidth}x${this.tileHeight} pixels is larger than ${MAX_TILE_PIXELS} pixels`);
    }
    this.tilesAcross = Math.ceil(this.width / this.tileWidth);
    this.tilesDown = Math.ceil(this.height / this.tileHeight);
    this.compression = tagNumber(ifd, Tag.Compression, Compression.None) ?? 1;
    this.samplesPerPixel = tagNumber(ifd, Tag.SamplesPerPixel, 1) ?? 1;
    this.bitsPerSample = tagNumber(ifd, Tag.BitsPerSample, 1) ?? 1;
    const defaultPhotometric = this.samplesPerPixel >= 3 ? Photometric.Rgb : Photometric.MinIsBlack;
    this.photometric = tagNumber(ifd, Tag.PhotometricInterpretation, defaultPhotometric) ?? defaultPhotometric;
    this.predictor = tagNumber(ifd, Tag.Predictor, 1) ?? 1;
    if ((tagNumber(ifd, Tag.PlanarConfiguration, 1) ?? 1) === 2 && this.samplesPerPixel > 1) {
      throw new WsiError("UNSUPPORTED_FORMAT", path, `IFD at byte ${ifd.offset}: separate colour planes (PlanarConfiguration 2) are not supported`);
    }
    this.extraSamples = tagNumbers(ifd, Tag.ExtraSamples);
    this.jpegTables = tagBytes(ifd, Tag.JPEGTables);
    const count = this.tilesAcross * this.tilesDown;
    if (this.offsets.length < count || this.byteCounts.length < count) {
      throw new WsiError("CORRUPT", path, `IFD at byte ${ifd.offset}: ${count} ${this.tiled ? "tiles" : "strips"} expected, offsets for ${Math.min(this.offsets.length, this.byteCounts.length)}`);
    }
    if (tiff.ndpi && tiff.source.size > 2 ** 32) this.offsets = unwrapOffsets(this.offsets);
  }

  /** Number of tiles (or strips). */
  get tileCount(): number {
    return this.tilesAcross * this.tilesDown;
  }

  /** Compressed bytes of tile `index`, or undefined for a missing (zero-length) tile. */
  async readRaw(index: number): Promise<Uint8Array | undefined> {
    const ahead = this.rawAhead.get(index);
    if (ahead !== undefined) {
      this.rawAhead.delete(index);
      return ahead;
    }
    const length = this.byteCounts[index] ?? 0;
    const offset = this.offsets[index] ?? 0;
    if (length === 0 || offset === 0) return undefined;
    return this.tiff.source.read(offset, length, `tile ${index}`);
  }

  /**
   * Compressed bytes of several tiles (undefined for missing ones). Tiles stored back to back in the
   * file (as in a row of most slides) are read with one positioned read per contiguous run.
   */
  async readRawMany(indices: number[]): Promise<(Uint8Array | undefined)[]> {
    if (this.rawAhead.size > 0 && indices.some((i) => this.rawAhead.has(i))) {
      // tiles read ahead come from there (once), the others from the file
      const ahead = indices.map((i) => this.rawAhead.get(i));
      indices.forEach((i) => this.rawAhead.delete(i));
      const rest = indices.filter((_, k) => ahead[k] === undefined);
      const fromFile = rest.length > 0 ? await this.readRawMany(rest) : [];
      let r = 0;
      return Promise.all(ahead.map((a) => a ?? fromFile[r++]));
    }
    const out: (Uint8Array | undefined)[] = indices.map(() => undefined);
    const order = indices.map((_, k) => k).filter((k) => (this.byteCounts[indices[k] as number] ?? 0) > 0 && (this.offsets[indices[k] as number] ?? 0) > 0);
    order.sort((p, q) => (this.offsets[indices[p] as number] as number) - (this.offsets[indices[q] as number] as number));
    const reads: Promise<void>[] = [];
    for (let g = 0; g < order.length;) {
      const first = indices[order[g] as number] as number;
      const start = this.offsets[first] as number;
      let end = start + (this.byteCounts[first] as number);
      let h = g + 1;
      for (; h < order.length; h++) {
        const i = indices[order[h] as number] as number;
        const o = this.offsets[i] as number;
        // contiguous (or overlapping), and the run stays a modest read
        if (o > end || o + (this.byteCounts[i] as number) - start > MAX_COALESCED_READ) break;
        end = Math.max(end, o + (this.byteCounts[i] as number));
      }
      const members = order.slice(g, h);
      if (members.length === 1) {
        const k = members[0] as number;
        reads.push(this.readRaw(indices[k] as number).then((r) => { out[k] = r; }));
      } else {
        reads.push(this.tiff.source.read(start, end - start, `tiles ${indices[members[0] as number]}…`).then((buf) => {
          for (const k of members) {
            const i = indices[k] as number;
            const o = (this.offsets[i] as number) - start;
            out[k] = buf.subarray(o, o + (this.byteCounts[i] as number));
          }
        }));
      }
      g = h;
    }
    await Promise.all(reads);
    return out;
  }

  /**
   * Starts reading the stored bytes of tiles `indices` (one positioned read per run of back-to-back
   * tiles) and keeps them, at most {@link MAX_RAW_AHEAD} tiles, until {@link readRawMany} asks for
   * them: a scan's read-ahead names the tiles of its next run, whose decodes then need not wait for
   * the file. A failed read is forgotten here and surfaces when the tile is read.
   */
  readRawAhead(indices: number[]): void {
    const wanted = indices.filter((i) => !this.rawAhead.has(i));
    if (wanted.length === 0) return;
    if (this.rawAhead.size + wanted.length > MAX_RAW_AHEAD) this.rawAhead.clear(); // bounded: only the next run matters
    const all = this.readRawMany(wanted);
    wanted.forEach((i, k) => {
      const one = all.then((raws) => raws[k]);
      one.catch(() => undefined);
      this.rawAhead.set(i, one);
    });
    // a read that fails is not kept: the tile is read again (and fails there) when it is asked for
    all.catch(() => wanted.forEach((i) => this.rawAhead.delete(i)));
  }

  /**
   * True when tile `index` is decoded by the native JPEG decoder reading its stored bytes itself (see
   * {@link readTileNative}): JPEG tiles of 1 or 3 samples, the built-in codec, no worker pool, and its
   * bytes not already read ahead.
   */
  readsNatively(index: number, options: TileReadOptions = {}): boolean {
    return this.compression === Compression.Jpeg && this.tiled && options.pool === undefined && isBuiltinCodec(this.compression)
      && (this.samplesPerPixel === 3 || this.samplesPerPixel === 1) && this.bitsPerSample === 8 && !this.rawAhead.has(index)
      && nativeJpegReadsFiles();
  }

  /**
   * Decodes (`window` of) JPEG tile `index` with the native decoder, which reads the tile's stored bytes
   * itself on the libuv thread (one threadpool job per tile, no hop through the JavaScript thread
   * between read and decode): RGBA pixels, or written into `into` (see decodeJpegNativeFile).
   * Undefined for a missing tile; `DECODE_FAILED` naming the tile for bad data, `CORRUPT` for a read
   * past the file's end. A tile the addon does not handle (e.g. 4 components) is decoded by sharp.
   */
  async readTileNative(
    index: number, window?: PixelRect, into?: { dest: Uint8Array; destOffset: number; destStride: number },
  ): Promise<NativeJpegPixels | "unsupported" | undefined> {
    const length = this.byteCounts[index] ?? 0;
    const offset = this.offsets[index] ?? 0;
    if (length === 0 || offset === 0) return undefined;
    const path = this.tiff.source.path;
    const what = `tile ${index} of IFD at byte ${this.ifd.offset}`;
    const rgb = this.photometric === Photometric.Rgb && this.samplesPerPixel >= 3;
    const maxPixels = jpegPixelLimit(this.tileWidth, this.tileHeight);
    try {
      return await this.tiff.source.withDescriptor(offset, length, `tile ${index}`, (fd) => decodeJpegNativeFile({ fd, offset, length }, this.jpegTables, rgb, window, maxPixels, into));
    } catch (cause) {
      if (cause instanceof WsiError) throw cause;
      if (isUnsupportedByNative(cause)) return "unsupported";
      const message = (cause as Error)?.message ?? String(cause);
      if (message.startsWith("read:")) throw new WsiError("CORRUPT", path, `${what}: ${message}`, { cause });
      throw new WsiError("DECODE_FAILED", path, `cannot decode ${what} (jpeg): ${message}`, { cause });
    }
  }

  /** Decodes tile `index` into RGBA `tileWidth × tileHeight` (undefined for a missing tile). */
  async readTileRgba(index: number, options: TileReadOptions = {}): Promise<Uint8Array | undefined> {
    if (this.readsNatively(index, options)) {
      const decoded = await this.readTileNative(index);
      if (decoded !== "unsupported") {
        if (decoded === undefined) return undefined;
        return toRgba({ ...decoded, channels: 4, colorReady: true }, this.layout(), this.tiff.source.path);
      }
    }
    const raw = await this.readRaw(index);
    if (raw === undefined) return undefined;
    return this.decodeRgba(raw, index, options);
  }

  /**
   * Decodes several tiles; JPEG tiles that share one header are stacked and decoded in a single call
   * (see jpeg-stack.ts), anything else tile by tile. Same results as {@link readTileRgba}.
   */
  async readTilesRgba(indices: number[], options: TileReadOptions = {}): Promise<(Uint8Array | undefined)[]> {
    const pixels = this.tileWidth * this.tileHeight;
    return (await this.readTiles(indices, options)).map((t) => (t !== undefined && t.length === pixels * 3 ? expandRgb(t, pixels) : t));
  }

  /**
   * Like {@link readTilesRgba}, but a tile decoded as opaque RGB (3-component JPEG) is returned as is,
   * `tileWidth × tileHeight × 3` bytes, so the region painter converts only the pixels it needs.
   */
  async readTiles(indices: number[], options: TileReadOptions = {}): Promise<(Uint8Array | undefined)[]> {
    if (this.compression !== Compression.Jpeg || !this.tiled || indices.length < 2 || options.pool !== undefined || !isBuiltinCodec(this.compression)) {
      return Promise.all(indices.map((i) => this.readTileRgba(i, options)));
    }
    // the native decoder has no per-call overhead worth batching for: tiles decode in parallel, straight to RGBA
    if (indices.every((i) => this.readsNatively(i, options))) return Promise.all(indices.map((i) => this.readTileRgba(i, options)));
    const raws = await this.readRawMany(indices);
    if (nativeJpegActive()) return Promise.all(indices.map((index, k) => (raws[k] === undefined ? undefined : this.decodeRgba(raws[k] as Uint8Array, index, options))));
    const present = raws.flatMap((r, k) => (r === undefined ? [] : [k]));
    const rgb = this.photometric === Photometric.Rgb && this.samplesPerPixel >= 3;
    const stream = stackJpegTiles(present.map((k) => raws[k] as Uint8Array), this.jpegTables, rgb, this.tileWidth, this.tileHeight);
    const perTile = () => Promise.all(indices.map((index, k) => (raws[k] === undefined ? undefined : this.decodeRgba(raws[k] as Uint8Array, index, options))));
    if (stream === undefined) return perTile();
    let pixels;
    try {
      pixels = await decodeJpegStream(stream, 1, this.tileWidth * this.tileHeight * present.length * 4);
    } catch {
      return perTile(); // decode tile by tile so the error names the bad tile
    }
    if (pixels.width !== this.tileWidth || pixels.height !== this.tileHeight * present.length) return perTile();
    const out: (Uint8Array | undefined)[] = indices.map(() => undefined);
    const layout = this.layout();
    const bytes = this.tileWidth * this.tileHeight * pixels.channels;
    present.forEach((k, n) => {
      // a view: the tile cache charges the shared buffer once, for as long as any of its tiles is cached
      if (pixels.channels === 3) { out[k] = pixels.data.subarray(n * bytes, (n + 1) * bytes); return; }
      const data = pixels.data.subarray(n * bytes, (n + 1) * bytes);
      out[k] = toRgba({ data, width: this.tileWidth, height: this.tileHeight, channels: pixels.channels, colorReady: true }, layout, this.tiff.source.path);
    });
    return out;
  }

  /**
   * Like {@link readTiles}, one promise per tile: with the native JPEG decoder each tile settles as soon
   * as it is decoded (the bytes still come from one read per run of back-to-back tiles); otherwise all
   * settle with the batch.
   */
  readTilesEach(indices: number[], options: TileReadOptions = {}): Promise<Uint8Array | undefined>[] {
    if (this.compression === Compression.Jpeg && this.tiled && options.pool === undefined && isBuiltinCodec(this.compression) && nativeJpegActive()) {
      // one job per tile that reads and decodes it (no round trip through this thread in between)
      if (indices.every((i) => this.readsNatively(i, options))) return indices.map((i) => this.readTileRgba(i, options));
      const raws = this.readRawMany(indices);
      return indices.map(async (index, k) => {
        const raw = (await raws)[k];
        return raw === undefined ? undefined : this.decodeRgba(raw, index, options);
      });
    }
    const all = this.readTiles(indices, options);
    return indices.map((_, k) => all.then((tiles) => tiles[k]));
  }

  /** How this image's samples become RGBA (see toRgba). */
  layout(): SampleLayout {
    return { tileWidth: this.tileWidth, tileHeight: this.tileHeight, photometric: this.photometric, samplesPerPixel: this.samplesPerPixel, bitsPerSample: this.bitsPerSample, predictor: this.predictor, extraSamples: this.extraSamples };
  }

  /** Decodes already-read compressed bytes of tile `index` into RGBA (in the pool's workers when given). */
  decodeRgba(raw: Uint8Array, index: number, options: TileReadOptions = {}): Promise<Uint8Array> {
    const path = this.tiff.source.path;
    if (!hasCodec(this.compression)) {
      return Promise.reject(new WsiError("UNSUPPORTED_COMPRESSION", path, `unsupported TIFF compression ${this.compression}`));
    }
    const row = Math.floor(index / this.tilesAcross);
    const stripHeight = this.tiled ? this.tileHeight : Math.min(this.tileHeight, this.height - row * this.tileHeight);
    const task: DecodeTask = {
      compression: this.compression,
      raw,
      what: `${this.tiled ? "tile" : "strip"} ${index} of IFD at byte ${this.ifd.offset}`,
      ctx: {
        path,
        width: this.tileWidth,
        height: stripHeight,
        samplesPerPixel: this.samplesPerPixel,
        bitsPerSample: this.bitsPerSample,
        photometric: this.photometric,
        jpegTables: this.jpegTables,
      },
      layout: this.layout(),
    };
    const { pool, signal } = options;
    if (pool !== undefined && isBuiltinCodec(this.compression)) return pool.run(task, signal);
    return runDecodeTask(task);
  }
}

/** NDPI > 4 GiB stores 32-bit data offsets; restore the high bits assuming offsets grow through the file. */
function unwrapOffsets(offsets: number[]): number[] {
  let high = 0;
  let prev = 0;
  return offsets.map((o) => {
    let v = o + high;
    if (v < prev) {
      high += 2 ** 32;
      v += 2 ** 32;
    }
    prev = v;
    return v;
  });
}
