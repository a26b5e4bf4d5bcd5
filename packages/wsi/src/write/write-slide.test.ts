import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { WsiError } from "../errors";
import type { SlideSource, WriteSlideOptions } from "./types";
import { writeSlide } from "./write-slide";

// OpenSlide (Debian python3-openslide 3.4.1) is the reference: it reports metadata and dumps regions as raw RGBA.
const PROBE = `
import json, sys, openslide
path = sys.argv[1]
s = openslide.OpenSlide(path)
p = s.properties
regions = json.loads(sys.argv[2])
for i, (x, y, lv, w, h) in enumerate(regions):
    open(f"{sys.argv[3]}/r{i}.raw", "wb").write(s.read_region((x, y), lv, (w, h)).tobytes())
print(json.dumps({
  "detect": openslide.OpenSlide.detect_format(path), "vendor": p.get("openslide.vendor"),
  "levels": [list(d) for d in s.level_dimensions], "downsamples": list(s.level_downsamples),
  "mpp": [p.get("openslide.mpp-x"), p.get("openslide.mpp-y")], "power": p.get("openslide.objective-power"),
  "xres": p.get("tiff.XResolution"), "unit": p.get("tiff.ResolutionUnit"),
  "associated": {k: list(v.size) for k, v in s.associated_images.items()}}))
`;

interface Probe {
  detect: string;
  vendor: string;
  levels: [number, number][];
  downsamples: number[];
  mpp: [string | null, string | null];
  power: string | null;
  xres: string | null;
  unit: string | null;
  associated: Record<string, [number, number]>;
}

const dir = mkdtempSync(join(tmpdir(), "osfm-write-"));
const probeScript = join(dir, "probe.py");
writeFileSync(probeScript, PROBE);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Region = [x: number, y: number, level: number, w: number, h: number];
function probe(path: string, regions: Region[] = []): { meta: Probe; pixels: Uint8Array[] } {
  const out = mkdtempSync(join(dir, "regions-"));
  const stdout = execFileSync("/usr/bin/python3", [probeScript, path, JSON.stringify(regions), out], { encoding: "utf8" });
  const pixels = regions.map((_, i) => new Uint8Array(readFileSync(join(out, `r${i}.raw`))));
  return { meta: JSON.parse(stdout.trim().split("\n").pop() as string) as Probe, pixels };
}

/** A smooth colour field with sharp-edged dark "nuclei": content with both gradients and edges, like tissue. */
function pixel(x: number, y: number): [number, number, number] {
  const r = 200 + 40 * Math.sin(x / 37) * Math.cos(y / 53);
  const g = 140 + 60 * Math.sin((x + y) / 71);
  const b = 190 + 30 * Math.cos(x / 29 - y / 41);
  // Blob edges ramp over ~4 px, as optics blur them on a real scan.
  const d = Math.sqrt(((x % 47) - 23) ** 2 + ((y % 43) - 21) ** 2);
  const t = Math.min(1, Math.max(0, (10 - d) / 4));
  return [Math.round(r + t * (90 - r)), Math.round(g + t * (60 - g)), Math.round(b + t * (140 - b))];
}

function testSource(width: number, height: number, channels: 3 | 4 = 3): SlideSource & { calls: number } {
  return {
    width,
    height,
    channels,
    mpp: 0.25,
    objectivePower: 40,
    calls: 0,
    readRegion(x0, y0, w, h) {
      this.calls++;
      const out = new Uint8Array(w * h * channels);
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          const p = pixel(x0 + x, y0 + y);
          const o = (y * w + x) * channels;
          out.set(p, o);
          if (channels === 4) out[o + 3] = 255;
        }
      }
      return out;
    },
  };
}

/** Seeded positions, some overlapping the right/bottom edge. */
function randomRegions(width: number, height: number, n: number, size: number): Region[] {
  let s = 12345;
  const rnd = () => ((s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  return Array.from({ length: n }, (_, i) => {
    const edge = i % 5 === 0;
    const x = Math.floor(edge ? width - size / 2 : rnd() * (width - size));
    const y = Math.floor(edge ? rnd() * (height - size) : i % 7 === 0 ? height - size / 3 : rnd() * (height - size));
    return [x, y, 0, size, size];
  });
}

/** Mean and max |Δ| per channel between OpenSlide's RGBA and the source (outside the slide: transparent). */
function compare(rgba: Uint8Array, [x0, y0, , w, h]: Region, width: number, height: number) {
  let sum = 0;
  let max = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const gx = x0 + x;
      const gy = y0 + y;
      const inside = gx < width && gy < height;
      const want = inside ? [...pixel(gx, gy), 255] : [0, 0, 0, 0];
      for (let c = 0; c < 4; c++) {
        const d = Math.abs((rgba[(y * w + x) * 4 + c] as number) - (want[c] as number));
        sum += d;
        if (d > max) max = d;
      }
    }
  }
  return { mean: sum / (w * h * 4), max };
}

const W = 2500;
const H = 1900;

describe("writeSlide, checked with OpenSlide", () => {
  const cases: { name: string; ext: string; options: WriteSlideOptions; vendor: string; lossless: boolean }[] = [
    { name: "svs jpeg", ext: "svs", options: { format: "svs", compression: "jpeg", quality: 95 }, vendor: "aperio", lossless: false },
    { name: "svs deflate", ext: "svs", options: { format: "svs", compression: "deflate" }, vendor: "aperio", lossless: true },
    { name: "tiff deflate", ext: "tiff", options: { format: "tiff", compression: "deflate" }, vendor: "generic-tiff", lossless: true },
    { name: "tiff jpeg", ext: "tiff", options: { format: "tiff", compression: "jpeg", quality: 95 }, vendor: "generic-tiff", lossless: false },
    { name: "tiff jpeg 4:2:0", ext: "tiff", options: { format: "tiff", compression: "jpeg", quality: 95, chromaSubsampling: "4:2:0" }, vendor: "generic-tiff", lossless: false },
    { name: "svs jpeg bigtiff", ext: "svs", options: { format: "svs", compression: "jpeg", quality: 95, bigTiff: true, tileSize: 240 }, vendor: "aperio", lossless: false },
  ];
  for (const c of cases) {
    it(`${c.name}: vendor, levels, mpp and level-0 pixels match OpenSlide`, async () => {
      const path = join(dir, `${c.name.replaceAll(" ", "_")}.${c.ext}`);
      const label = { width: 120, height: 90, data: new Uint8Array(120 * 90 * 3).fill(230) };
      const macro = { width: 300, height: 100, data: new Uint8Array(300 * 100 * 3).fill(120) };
      const result = await writeSlide(path, testSource(W, H), { ...c.options, label, macro });
      expect(result.bigTiff).toBe(c.options.bigTiff === true);
      const regions = randomRegions(W, H, 50, 96);
      const { meta, pixels } = probe(path, regions);
      expect(meta.detect).toBe(c.vendor);
      expect(meta.vendor).toBe(c.vendor);
      expect(meta.levels).toEqual(result.levels.map((l) => [l.width, l.height]));
      meta.downsamples.forEach((d, k) => expect(result.levels[k]?.downsample).toBeCloseTo(d, 9));
      expect(meta.levels.length).toBeGreaterThanOrEqual(3);
      const factor = c.options.format === "svs" ? 4 : 2;
      expect(meta.levels[1]).toEqual([Math.ceil(W / factor), Math.ceil(H / factor)]);
      if (c.vendor === "aperio") {
        expect(Number(meta.mpp[0])).toBeCloseTo(0.25, 6);
        expect(Number(meta.mpp[1])).toBeCloseTo(0.25, 6);
        expect(meta.power).toBe("40");
        expect(Object.keys(meta.associated).sort()).toEqual(["label", "macro", "thumbnail"]);
        expect(meta.associated.label).toEqual([120, 90]);
        expect(meta.associated.macro).toEqual([300, 100]);
        expect(Math.max(...(meta.associated.thumbnail as number[]))).toBe(1024);
      } else {
        // OpenSlide 3.4.1 reports no mpp for generic TIFF; the resolution tags carry it (px per cm).
        expect(meta.unit).toBe("centimeter");
        expect(10_000 / Number(meta.xres)).toBeCloseTo(0.25, 6);
      }
      let worstMean = 0;
      let worstMax = 0;
      regions.forEach((r, i) => {
        const { mean, max } = compare(pixels[i] as Uint8Array, r, W, H);
        worstMean = Math.max(worstMean, mean);
        worstMax = Math.max(worstMax, max);
      });
      if (c.lossless) {
        expect(worstMax).toBe(0);
      } else {
        // Issue 3 JPEG tolerance, per region: mean |Δ| ≤ 1.0 and max |Δ| ≤ 16 per channel (4:4:4).
        // 4:2:0 halves chroma resolution, so colour edges err more: mean ≤ 1.5, max ≤ 40. Wrong colour
        // handling (YCbCr read as RGB) gives mean |Δ| of tens, so both bounds still catch it.
        const sub = c.options.chromaSubsampling === "4:2:0";
        expect(worstMean).toBeLessThanOrEqual(sub ? 1.5 : 1.0);
        expect(worstMax).toBeLessThanOrEqual(sub ? 40 : 16);
      }
    });
  }

  it("reduced levels are box means of level 0 (deflate: within rounding)", async () => {
    const path = join(dir, "levels.tiff");
    await writeSlide(path, testSource(1200, 1000), { format: "tiff", compression: "deflate", minLevelSize: 100 });
    const region: Region = [0, 0, 2, 300, 250];
    const { meta, pixels } = probe(path, [region]);
    expect(meta.downsamples[2]).toBe(4);
    const got = pixels[0] as Uint8Array;
    let max = 0;
    for (let y = 0; y < 250; y++) {
      for (let x = 0; x < 300; x++) {
        // Level 2 = two 2x box filters with rounding; compare with the exact 4x4 mean.
        const sum = [0, 0, 0];
        for (let dy = 0; dy < 4; dy++) for (let dx = 0; dx < 4; dx++) pixel(4 * x + dx, 4 * y + dy).forEach((v, c) => (sum[c] = (sum[c] as number) + v));
        for (let c = 0; c < 3; c++) max = Math.max(max, Math.abs((got[(y * 300 + x) * 4 + c] as number) - (sum[c] as number) / 16));
      }
    }
    expect(max).toBeLessThanOrEqual(1);
  });

  it("accepts RGBA sources and asks for each strip once", async () => {
    const path = join(dir, "rgba.tiff");
    const source = testSource(700, 600, 4);
    await writeSlide(path, source, { format: "tiff", compression: "deflate", thumbnailMaxSize: 0 });
    expect(source.calls).toBe(Math.ceil(600 / 256));
    const { pixels } = probe(path, [[100, 100, 0, 50, 50]]);
    expect(compare(pixels[0] as Uint8Array, [100, 100, 0, 50, 50], 700, 600).max).toBe(0);
  });
});

describe("writeSlide with single-colour tiles", () => {
  it("writes repeated background tiles (encoded once) that OpenSlide decodes exactly (deflate) and within JPEG tolerance", async () => {
    // Left half glass (one colour), right half the test pattern.
    const colour = [243, 241, 246];
    const source: SlideSource = {
      width: 1600,
      height: 900,
      readRegion(x0, y0, w, h) {
        const out = new Uint8Array(w * h * 3);
        for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out.set(x0 + x < 800 ? colour : pixel(x0 + x, y0 + y), (y * w + x) * 3);
        return out;
      },
    };
    for (const compression of ["deflate", "jpeg"] as const) {
      const path = join(dir, `uniform-${compression}.svs`);
      await writeSlide(path, source, { compression, quality: 95 });
      const { pixels } = probe(path, [[100, 100, 0, 500, 700], [700, 300, 0, 200, 200]]);
      const glass = pixels[0] as Uint8Array;
      let max = 0;
      for (let i = 0; i < 500 * 700; i++) for (let c = 0; c < 3; c++) max = Math.max(max, Math.abs((glass[i * 4 + c] as number) - (colour[c] as number)));
      expect(max).toBeLessThanOrEqual(compression === "deflate" ? 0 : 2);
      // The region straddling glass and pattern.
      const mixed = pixels[1] as Uint8Array;
      let worst = 0;
      for (let y = 0; y < 200; y++) {
        for (let x = 0; x < 200; x++) {
          const want = 700 + x < 800 ? colour : pixel(700 + x, 300 + y);
          for (let c = 0; c < 3; c++) worst = Math.max(worst, Math.abs((mixed[(y * 200 + x) * 4 + c] as number) - (want[c] as number)));
        }
      }
      expect(worst).toBeLessThanOrEqual(compression === "deflate" ? 0 : 40);
    }
  });
});

describe("writeSlide errors and atomicity", () => {
  it("rejects bad options with a WsiError naming the file", async () => {
    const path = join(dir, "bad.svs");
    await expect(writeSlide(path, testSource(100, 100), { tileSize: 100 })).rejects.toMatchObject({ code: "BAD_REQUEST", path });
    await expect(writeSlide(path, testSource(0, 100))).rejects.toBeInstanceOf(WsiError);
    await expect(writeSlide(path, testSource(100, 100), { compression: "webp" as never })).rejects.toThrow(/unknown compression/);
  });

  it("leaves neither the target nor a temporary file when the source fails", async () => {
    const sub = mkdtempSync(join(dir, "fail-"));
    const path = join(sub, "fail.svs");
    const source = testSource(600, 600);
    const failing: SlideSource = { ...source, readRegion: (x, y, w, h) => { if (y > 0) throw new Error("scanner on fire"); return source.readRegion(x, y, w, h); } };
    await expect(writeSlide(path, failing)).rejects.toMatchObject({ code: "WRITE_FAILED", path });
    expect(existsSync(path)).toBe(false);
    expect(readdirSync(sub)).toEqual([]);
  });

  it("rejects a source that returns the wrong number of bytes", async () => {
    const path = join(dir, "short.svs");
    const bad: SlideSource = { width: 300, height: 300, readRegion: () => new Uint8Array(10) };
    await expect(writeSlide(path, bad)).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });

  it("same input, same bytes", async () => {
    const a = join(dir, "same-a.svs");
    const b = join(dir, "same-b.svs");
    await writeSlide(a, testSource(900, 700));
    await writeSlide(b, testSource(900, 700));
    expect(readFileSync(a).equals(readFileSync(b))).toBe(true);
  });
});

// Writes a > 4 GiB uncompressed slide to check the automatic switch to BigTIFF with OpenSlide.
// Slow (≈ 4.3 GB on disk): run with OSFM_LONG=1.
describe.runIf(process.env.OSFM_LONG === "1")("writeSlide: automatic BigTIFF past 4 GiB", () => {
  it("switches to BigTIFF and OpenSlide reads tiles stored beyond 4 GiB", async () => {
    const width = 48_000;
    const height = 32_000; // 4.6e9 bytes of RGB
    const path = join(dir, "huge.tiff");
    const source: SlideSource = {
      width,
      height,
      readRegion(x0, y0, w, h) {
        const out = new Uint8Array(w * h * 3);
        for (let y = 0; y < h; y++) for (let x = 0; x < w; x += 64) out.fill(((x0 + x) >> 6) ^ ((y0 + y) >> 6), (y * w + x) * 3, (y * w + Math.min(w, x + 64)) * 3);
        return out;
      },
    };
    const result = await writeSlide(path, source, { format: "tiff", compression: "none", thumbnailMaxSize: 0 });
    expect(result.bigTiff).toBe(true);
    expect(result.bytes).toBeGreaterThan(2 ** 32);
    const region: Region = [width - 100, height - 100, 0, 64, 64];
    const { meta, pixels } = probe(path, [region]);
    expect(meta.levels[0]).toEqual([width, height]);
    const got = pixels[0] as Uint8Array;
    for (let y = 0; y < 64; y++) {
      for (let x = 0; x < 64; x++) {
        const v = ((region[0] + x) >> 6) ^ ((region[1] + y) >> 6);
        expect(got[(y * 64 + x) * 4]).toBe(v & 255);
      }
    }
    rmSync(path);
  }, 1_800_000);
});
