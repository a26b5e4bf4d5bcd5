/**
 * Child process of the benchmark: times @osfm/wsi reads of the given regions with `threads` reads in
 * flight. UV_THREADPOOL_SIZE is set by the parent to the same thread count, so libjpeg uses at most that
 * many threads. The positions file may ask for several passes: each opens the slide afresh (cold tile
 * cache, open not timed) as the OpenSlide script does. Prints {"seconds", "cpuSeconds" (all threads),
 * "count"} summed over the passes. With a fourth argument "into", each reader writes every region into
 * one buffer of its own (`readRegion({ ..., into })`) instead of getting a new one per region.
 */
import { readFileSync } from "node:fs";
import sharp from "sharp";
import { openSlide } from "../src/index";

const [path, positions, threadsArg, api] = process.argv.slice(2);
const reuse = api === "into";
const threads = Number(threadsArg);
const spec = JSON.parse(readFileSync(positions as string, "utf8")) as { regions: [number, number, number, number, number][]; passes?: number };
const { regions } = spec;
const passes = spec.passes ?? 1;
sharp.concurrency(1);
// Warm the JIT on a separate Slide (its own tile cache), so the timed slide starts cold like OpenSlide.
const warm = await openSlide(path as string);
for (const [x, y, level, width, height] of regions.slice(0, 20)) await warm.readRegion({ x, y, level, width, height });
await warm.close();
const chunks = Array.from({ length: threads }, (_, i) => regions.filter((_, k) => k % threads === i));
let seconds = 0;
let cpuSeconds = 0;
for (let pass = 0; pass < passes; pass++) {
  const slide = await openSlide(path as string);
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  await Promise.all(chunks.map(async (chunk) => {
    const into = reuse ? new Uint8Array(Math.max(...chunk.map(([, , , w, h]) => w * h * 4))) : undefined;
    for (const [x, y, level, width, height] of chunk) await slide.readRegion({ x, y, level, width, height, into });
  }));
  seconds += Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(c0);
  cpuSeconds += (cpu.user + cpu.system) / 1e6;
  await slide.close();
}
process.stdout.write(`${JSON.stringify({ seconds, cpuSeconds, count: regions.length * passes })}\n`);
