/**
 * Where the time of a level-0 read goes, for one JPEG slide (run with the bench's node flags):
 *   node --conditions=@osfm/source --import tsx bench/profile.ts SLIDE [POSITIONS_JSON]
 * Prints CPU ms (all threads) per call / per tile: sharp's fixed cost per call (an 8 × 8 JPEG), one
 * tile per call, tiles stacked 4 and 32 per call, RGB → RGBA, positioned reads one per tile against
 * one coalesced read; with POSITIONS_JSON (the bench's region list) also the tiles per region and the
 * readRegion time per region. The decoder is sharp with concurrency 1, as in the bench.
 */
import { readFileSync } from "node:fs";
import sharp from "sharp";
import { openSlide } from "../src/index";
import { completeJpeg } from "../src/codecs/jpeg-stream";
import { stackJpegTiles } from "../src/codecs/jpeg-stack";
import { decodeJpegStream } from "../src/codecs/jpeg";
import { FileSource } from "../src/io/file-source";
import { readTiff } from "../src/tiff/ifd";
import { TiffImage } from "../src/tiff/image";
import { expandRgb } from "../src/tiff/to-rgba";

const [file, positions] = process.argv.slice(2) as [string, string | undefined];
sharp.concurrency(1);

const cpuMs = (): number => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1e3;
};
async function time(name: string, reps: number, per: number, fn: (k: number) => Promise<unknown> | unknown, warm = true): Promise<void> {
  if (warm) await fn(0);
  const c0 = cpuMs();
  const t0 = performance.now();
  for (let k = 0; k < reps; k++) await fn(k);
  const n = reps * per;
  process.stdout.write(`${name.padEnd(44)} cpu ${((cpuMs() - c0) / n).toFixed(3)} ms  wall ${((performance.now() - t0) / n).toFixed(3)} ms\n`);
}

const source = await FileSource.open(file);
const tiff = await readTiff(source);
const image = new TiffImage(tiff, tiff.ifds[0] as (typeof tiff.ifds)[number]);
const { tileWidth: tw, tileHeight: th, jpegTables } = image;
const rgb = image.photometric === 2;
const first = Math.floor(image.tileCount / 2);
const count = Math.min(64, image.tileCount - first);
const ids = Array.from({ length: count }, (_, k) => first + k);
const raws = (await image.readRawMany(ids)) as Uint8Array[];
const streams = raws.map((r) => completeJpeg(r, jpegTables, rgb));
process.stdout.write(`${file}: ${tw}x${th} tiles, mean ${Math.round(streams.reduce((a, s) => a + s.length, 0) / count)} bytes (tiles ${first}…)\n`);

const tiny = await sharp({ create: { width: 8, height: 8, channels: 3, background: "#808080" } }).jpeg().toBuffer();
await time("sharp fixed cost (8x8 JPEG), per call", 200, 1, () => decodeJpegStream(tiny));
await time("sharp, one tile per call, per tile", 200, 1, (k) => decodeJpegStream(streams[k % count] as Uint8Array));
for (const n of [4, 32]) {
  const stacked = n <= count ? stackJpegTiles(raws.slice(0, n), jpegTables, rgb, tw, th) : undefined;
  if (stacked !== undefined) await time(`sharp, ${n} tiles stacked per call, per tile`, Math.ceil(128 / n), n, () => decodeJpegStream(stacked));
}
const decoded = await decodeJpegStream(streams[0] as Uint8Array);
await time("RGB -> RGBA (fresh buffer), per tile", 200, 1, () => expandRgb(decoded.data, tw * th));
await time("positioned read, one per tile, per tile", 200, 1, (k) => image.readRaw(ids[k % count] as number));
await time(`coalesced read of ${count} tiles, per tile`, 10, count, () => image.readRawMany(ids));
await source.close();

if (positions !== undefined) {
  const regions = (JSON.parse(readFileSync(positions, "utf8")) as { regions: [number, number, number, number, number][] }).regions.slice(0, 300);
  const tiles = regions.reduce((a, [x, y, , w, h]) => a + (Math.ceil((x + w) / tw) - Math.floor(x / tw)) * (Math.ceil((y + h) / th) - Math.floor(y / th)), 0);
  process.stdout.write(`${regions.length} regions of ${positions}: ${(tiles / regions.length).toFixed(2)} tiles per region\n`);
  const slide = await openSlide(file);
  await time("readRegion (cold cache), per region", 1, regions.length, async () => {
    for (const [x, y, level, width, height] of regions) await slide.readRegion({ x, y, level, width, height });
  }, false);
  await slide.close();
}
