/**
 * @osfm/wsi benchmark against OpenSlide, both measured in this run on the same file, regions and thread
 * count: (a) 1,000 random 224×224 level-0 reads, (b) every tile-aligned 256×256 level-0 region in order.
 * Files: the shared aperio_CMU-1-Small-Region.svs and a synthetic 40,000×30,000 JPEG SVS written once by
 * writeSlide (cached in the OS temp folder). The aligned scan is also timed with each reader writing
 * into one reused buffer (`readRegion({ into })`), reported on a separate line (`wsi.aligned-256.into`)
 * against the same OpenSlide timing. OSFM_BENCH_QUICK=1 shrinks the synthetic slide to
 * 8,000×6,000 and the random reads to 200, to check the bench works on a busy machine.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { DEBIAN_PYTHON, reportComparison } from "@osfm/bench-harness";
import { openSlide, writeSlide } from "../src/index";

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, "../../..");
const quick = process.env.OSFM_BENCH_QUICK === "1";
const randomCount = quick ? 200 : 1000;
const minAlignedRegions = 2000;
const cacheDir = path.join(tmpdir(), "osfm-wsi-bench");
mkdirSync(cacheDir, { recursive: true });

type Region = [number, number, number, number, number];

/** Seeded PRNG so both implementations read the same positions. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Writes (once) the synthetic JPEG SVS: textured pseudo-tissue so JPEG tiles are not trivially small. */
async function syntheticSlide(width: number, height: number): Promise<string> {
  const file = path.join(cacheDir, `synthetic-${width}x${height}.svs`);
  if (existsSync(file)) return file;
  const r = rng(5);
  const noise = new Uint8Array(512 * 512 * 3).map(() => Math.floor(r() * 40));
  await writeSlide(file, {
    width,
    height,
    mpp: 0.25,
    objectivePower: 40,
    readRegion(x, y, w, h) {
      const out = new Uint8Array(w * h * 3);
      for (let j = 0; j < h; j++) {
        const yy = y + j;
        for (let i = 0; i < w; i++) {
          const xx = x + i;
          const n = ((yy & 511) * 512 + (xx & 511)) * 3;
          const band = ((xx >> 7) ^ (yy >> 7)) & 1;
          const p = (j * w + i) * 3;
          out[p] = 200 - band * 60 + (noise[n] as number);
          out[p + 1] = 150 - band * 70 + (noise[n + 1] as number);
          out[p + 2] = 190 - band * 30 + (noise[n + 2] as number);
        }
      }
      return out;
    },
  }, { format: "svs", compression: "jpeg", quality: 85, tileSize: 256 });
  return file;
}

interface Timing {
  seconds: number;
  cpuSeconds: number;
  count: number;
}

function timeOurs(file: string, positions: string, threads: number, api: "default" | "into" = "default"): Timing {
  const out = execFileSync(process.execPath, ["--conditions=@osfm/source", "--import", "tsx", path.join(here, "run-ours.ts"), file, positions, String(threads), api], {
    encoding: "utf8",
    env: { ...process.env, UV_THREADPOOL_SIZE: String(threads) },
  });
  return JSON.parse(out.trim().split("\n").pop() as string) as Timing;
}

function timeOpenSlide(file: string, positions: string, threads: number): Timing & { openslide: string } {
  const out = execFileSync(DEBIAN_PYTHON, [path.join(repoRoot, "tooling/reference/wsi/openslide_bench.py"), file, positions, String(threads)], { encoding: "utf8" });
  return JSON.parse(out.trim().split("\n").pop() as string) as Timing & { openslide: string };
}

async function main(): Promise<void> {
  const files: { name: string; file: string }[] = [];
  const cmu = path.resolve(repoRoot, "../shared/fixtures/wsi/aperio_CMU-1-Small-Region.svs");
  if (existsSync(cmu)) files.push({ name: "cmu-small", file: cmu });
  else process.stderr.write(`skipping ${cmu}: not found\n`);
  const [sw, sh] = quick ? [8000, 6000] : [40000, 30000];
  files.push({ name: `synthetic-${sw}x${sh}`, file: await syntheticSlide(sw, sh) });

  for (const { name, file } of files) {
    const slide = await openSlide(file);
    const { width, height, tileWidth, tileHeight } = slide.levels[0] as { width: number; height: number; tileWidth: number; tileHeight: number };
    await slide.close();
    const r = rng(42);
    const random: Region[] = Array.from({ length: randomCount }, () => [Math.floor(r() * (width - 224)), Math.floor(r() * (height - 224)), 0, 224, 224]);
    const aligned: Region[] = [];
    // tile-aligned 256×256 reads (on the slide's own tile grid when it is 256, else a 256 grid)
    const step = tileWidth === 256 && tileHeight === 256 ? 256 : 256;
    for (let y = 0; y + 256 <= height; y += step) for (let x = 0; x + 256 <= width; x += step) aligned.push([x, y, 0, 256, 256]);
    const cases: [string, Region[]][] = [["random-224", random], ["aligned-256", quick ? aligned.slice(0, 2000) : aligned]];
    for (const [bench, regions] of cases) {
      const positions = path.join(cacheDir, `${name}-${bench}.json`);
      // A small slide's aligned scan (CMU-1-Small-Region: 88 regions, ≈ 50 ms) is repeated on freshly
      // opened slides, for both readers, until ≥ 2,000 regions are timed: one cold pass that short moves
      // the ratio by ±0.3 with a single GC pause or a busy core.
      const passes = bench === "aligned-256" ? Math.max(1, Math.ceil(minAlignedRegions / regions.length)) : 1;
      writeFileSync(positions, JSON.stringify({ regions, passes }));
      for (const threads of [1, 2]) {
        const ours = timeOurs(file, positions, threads);
        const ref = timeOpenSlide(file, positions, threads);
        const report = (benchName: string, timing: Timing, api: string) => reportComparison({
          bench: benchName,
          unit: "regions/s",
          ours: timing.count / timing.seconds,
          reference: ref.count / ref.seconds,
          referenceName: `openslide-${ref.openslide}`,
          kind: "rate",
          threads,
          // CPU-time rates too: on a shared, loaded machine they say more than wall time
          extra: {
            file: name,
            regions: regions.length,
            passes,
            api,
            oursPerCpuSecond: Number((timing.count / timing.cpuSeconds).toPrecision(4)),
            referencePerCpuSecond: Number((ref.count / ref.cpuSeconds).toPrecision(4)),
          },
        });
        report(`wsi.${bench}`, ours, "readRegion");
        // a second, separate line: each reader reusing one output buffer (readRegion({ into })), as
        // OpenSlide's C API writes into the caller's buffer; the line above is the default API
        if (bench === "aligned-256") report(`wsi.${bench}.into`, timeOurs(file, positions, threads, "into"), "readRegion into");
      }
    }
  }
}

await main();
