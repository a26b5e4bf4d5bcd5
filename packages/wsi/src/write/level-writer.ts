import { boxDownsample } from "./downsample";
import type { FileSink } from "./file-sink";
import type { EncodeSettings, TileEncoder } from "./tile-encoders";

/** Shared state of one write: the file, the codec and the serial queue that fixes the byte order. */
export interface WriteContext {
  sink: FileSink;
  encoder: TileEncoder;
  settings: EncodeSettings;
  tileSize: number;
  /** Tail of the append queue: tiles are appended strictly in push order, so output is deterministic. */
  queue: Promise<void>;
  /** Encoded single-colour tiles by colour (glass background repeats thousands of times). */
  uniform: Map<number, Promise<Uint8Array>>;
}

/** The 0xRRGGBB colour of a tile whose pixels are all equal, else -1. */
export function uniformColour(tile: Uint8Array): number {
  const r = tile[0] as number;
  const g = tile[1] as number;
  const b = tile[2] as number;
  for (let i = 3; i < tile.length; i += 3) {
    if (tile[i] !== r || tile[i + 1] !== g || tile[i + 2] !== b) return -1;
  }
  return (r << 16) | (g << 8) | b;
}

/**
 * One pyramid level, fed top to bottom with strips of rows. Each full strip of `tileSize` rows is cut
 * into tiles (edge tiles padded by replicating the last row/column), encoded concurrently, appended in
 * order, and box-downsampled into the next level. Memory: one strip per level.
 */
export class LevelWriter {
  readonly tilesAcross: number;
  readonly tilesDown: number;
  /** File offset and byte count of every tile, row-major. */
  readonly offsets: Float64Array;
  readonly byteCounts: Float64Array;
  /** Whole-level copy, kept when requested (the thumbnail is made from it). */
  readonly whole: Uint8Array | undefined;
  private readonly strip: Buffer;
  private rows = 0;
  private tileRow = 0;

  constructor(
    readonly width: number,
    readonly height: number,
    private readonly ctx: WriteContext,
    private readonly next: { writer: LevelWriter; factor: number } | undefined,
    keepWhole = false,
  ) {
    const t = ctx.tileSize;
    this.tilesAcross = Math.ceil(width / t);
    this.tilesDown = Math.ceil(height / t);
    this.offsets = new Float64Array(this.tilesAcross * this.tilesDown);
    this.byteCounts = new Float64Array(this.tilesAcross * this.tilesDown);
    this.strip = Buffer.alloc(width * t * 3);
    this.whole = keepWhole ? new Uint8Array(width * height * 3) : undefined;
  }

  /** Appends `rows` rows of RGB (`width * rows * 3` bytes). */
  push(data: Uint8Array, rows: number): void {
    const stride = this.width * 3;
    const t = this.ctx.tileSize;
    let done = 0;
    while (done < rows) {
      const take = Math.min(rows - done, t - this.rows);
      this.strip.set(data.subarray(done * stride, (done + take) * stride), this.rows * stride);
      if (this.whole) {
        const y = this.tileRow * t + this.rows;
        this.whole.set(data.subarray(done * stride, (done + take) * stride), y * stride);
      }
      this.rows += take;
      done += take;
      const bottom = this.tileRow * t + this.rows >= this.height;
      if (this.rows === t || bottom) this.flushStrip();
    }
  }

  private flushStrip(): void {
    const t = this.ctx.tileSize;
    const rows = this.rows;
    const { encoder, settings } = this.ctx;
    const encodes: Promise<Uint8Array>[] = [];
    for (let tx = 0; tx < this.tilesAcross; tx++) {
      const tile = this.cutTile(tx, rows);
      const colour = uniformColour(tile);
      if (colour < 0) {
        encodes.push(encoder.encode(tile, t, t, settings));
        continue;
      }
      // Same pixels, same codec settings: the same bytes, encoded once.
      let encoded = this.ctx.uniform.get(colour);
      if (!encoded) {
        if (this.ctx.uniform.size >= 256) this.ctx.uniform.clear();
        encoded = encoder.encode(tile, t, t, settings);
        this.ctx.uniform.set(colour, encoded);
      }
      encodes.push(encoded);
    }
    const base = this.tileRow * this.tilesAcross;
    const { sink } = this.ctx;
    this.ctx.queue = this.ctx.queue.then(async () => {
      const tiles = await Promise.all(encodes);
      for (let i = 0; i < tiles.length; i++) {
        const tile = tiles[i] as Uint8Array;
        this.offsets[base + i] = await sink.append(tile);
        this.byteCounts[base + i] = tile.length;
      }
    });
    if (this.next) {
      const f = this.next.factor;
      const small = boxDownsample(this.strip.subarray(0, this.width * rows * 3), this.width, rows, f);
      this.next.writer.push(small, Math.ceil(rows / f));
    }
    this.rows = 0;
    this.tileRow++;
  }

  private cutTile(tx: number, rows: number): Uint8Array {
    const t = this.ctx.tileSize;
    const tile = Buffer.allocUnsafe(t * t * 3);
    const x0 = tx * t;
    const cols = Math.min(t, this.width - x0);
    const stride = this.width * 3;
    const rowBytes = t * 3;
    for (let y = 0; y < t; y++) {
      const sy = Math.min(y, rows - 1);
      const at = y * rowBytes;
      // Buffer#copy is a native memcpy without a view object per row.
      this.strip.copy(tile, at, sy * stride + x0 * 3, sy * stride + (x0 + cols) * 3);
      if (cols < t) {
        const last = at + (cols - 1) * 3;
        for (let x = cols; x < t; x++) tile.copyWithin(at + x * 3, last, last + 3);
      }
    }
    return tile;
  }
}
