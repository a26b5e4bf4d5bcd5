import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSlide, type Slide, WsiError } from "../src/index";
import { fixture, haveFixtures } from "./fixtures";
import { encodeJ2k } from "./helpers/j2k-encoder";
import { buildNdpiImages } from "./helpers/ndpi-builder";
import { buildPhilipsImages } from "./helpers/philips-builder";
import { applyPredictor, encodeLzw } from "./helpers/encoders";
import { losslessPyramid } from "./helpers/pyramid";
import { basicTags, buildTiff, cutTiles, testPicture } from "./helpers/tiff-builder";
import { rng } from "./openslide";

const dir = mkdtempSync(path.join(tmpdir(), "osfm-wsi-bad-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const LIMIT_MS = 5000;

/** Resolves to "ok" or the WsiError; anything else (other error type, > 5 s) fails the test. */
async function settle<T>(what: string, file: string, p: Promise<T>): Promise<T | WsiError> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`${what} on ${file} took more than ${LIMIT_MS} ms`)), LIMIT_MS); });
  try {
    return await Promise.race([p, timeout]);
  } catch (err) {
    if (!(err instanceof WsiError)) throw new Error(`${what} on ${file} threw a non-WsiError: ${String(err)}`, { cause: err });
    expect(err.code, `${what} ${file}`).toBeTypeOf("string");
    expect(err.path).toBe(file);
    return err;
  } finally {
    clearTimeout(timer);
  }
}

/** Opens and exercises a (possibly corrupt) file: every call must settle with a result or a WsiError. */
async function exercise(file: string): Promise<"opened" | "refused"> {
  const slide = await settle("open", file, openSlide(file, { cacheBytes: 4 << 20 }));
  if (slide instanceof WsiError) return "refused";
  const s = slide as Slide;
  for (const [i, l] of s.levels.entries()) {
    const w = Math.min(96, l.width);
    const h = Math.min(96, l.height);
    await settle("readRegion", file, s.readRegion({ x: 0, y: 0, level: i, width: w, height: h }));
    await settle("readRegion", file, s.readRegion({ x: Math.floor(s.levels[0]!.width / 2), y: Math.floor(s.levels[0]!.height / 2), level: i, width: w, height: h }));
  }
  for (const name of s.associatedImageNames) await settle("readAssociatedImage", file, s.readAssociatedImage(name));
  if (s.levels.every((l) => l.width * l.height < 4e6)) await settle("thumbnail", file, s.thumbnail({ maxSize: 64 }));
  await settle("close", file, s.close());
  return "opened";
}

/** Small valid slides of every format, to mutate. */
async function seeds(): Promise<string[]> {
  const out: string[] = [];
  const add = (name: string, bytes: Uint8Array) => { const f = path.join(dir, name); writeFileSync(f, bytes); out.push(f); };
  if (haveFixtures) {
    for (const f of ["generic_boxes.tiff", "aperio_small_16x16.svs", "bad_unreadable.svs", "aperio_CMU-1-Small-Region.svs"]) {
      copyFileSync(fixture(f), path.join(dir, f));
      out.push(path.join(dir, f));
    }
  }
  add("lzw.tiff", buildTiff(losslessPyramid({ width: 200, height: 150, levels: 2, tile: 64, compression: 5, encode: encodeLzw, predictor: 2 }, applyPredictor), { bigTiff: true }));
  add("slide.ndpi", buildTiff(await buildNdpiImages(256, 64, 16), { ndpi: true }));
  add("philips.tiff", buildTiff(await buildPhilipsImages(300, 200, 128, true)));
  const tiles = cutTiles(testPicture(128, 128), 128, 128, 3, 64, 64);
  add("j2k.svs", buildTiff([{ tiled: true, chunks: await Promise.all(tiles.map((t) => encodeJ2k(t, 64, 64, 3))), tags: basicTags({ width: 128, height: 128, compression: 33005, tile: [64, 64], description: "Aperio Image Library v12\r\n|AppMag = 20|MPP = 0.5" }) }]));
  return out;
}

describe("bad input never crashes, hangs or leaks", () => {
  let files: string[] = [];
  beforeAll(async () => { files = await seeds(); });

  it.skipIf(!haveFixtures)("the bad_* fixtures fail with typed errors, bad_unreadable.svs on every pixel read", async () => {
    for (const f of readdirSync(path.dirname(fixture("x"))).filter((n) => n.startsWith("bad_"))) {
      const file = fixture(f);
      const opened = await exercise(file);
      expect(opened).toBe(f === "bad_unreadable.svs" ? "opened" : "refused");
    }
    const s = await openSlide(fixture("bad_unreadable.svs"));
    for (const [x, y] of [[0, 0], [8, 8], [-10, -10]] as const) {
      await expect(s.readRegion({ x, y, level: 0, width: 16, height: 16 })).rejects.toMatchObject({ code: "DECODE_FAILED", path: fixture("bad_unreadable.svs") });
    }
    await s.close();
  });

  it("truncated files (every seed cut at 12 lengths) settle within 5 s with a result or a WsiError", async () => {
    for (const seed of files) {
      const bytes = readFileSync(seed);
      for (const frac of [0, 0.001, 0.01, 0.05, 0.1, 0.25, 0.4, 0.5, 0.6, 0.75, 0.9, 0.99]) {
        const file = path.join(dir, `cut-${path.basename(seed)}`);
        writeFileSync(file, bytes.subarray(0, Math.floor(bytes.length * frac)));
        await exercise(file);
      }
    }
  });

  it("500 byte-flipped mutants settle within 5 s each with a result or a WsiError", async () => {
    const r = rng(20261127);
    let opened = 0;
    for (let m = 0; m < 500; m++) {
      // the 1.9 MB real slide is mutated every 25th round only (its mutants cost the most to write and read)
      const small = files.filter((f) => !f.endsWith("CMU-1-Small-Region.svs"));
      const big = files.find((f) => f.endsWith("CMU-1-Small-Region.svs"));
      const seed = (big !== undefined && m % 25 === 24 ? big : small[m % small.length]) as string;
      const bytes = Buffer.from(readFileSync(seed));
      const flips = 1 + Math.floor(r() * 8);
      for (let k = 0; k < flips; k++) {
        // half the flips land in the first 4 KiB (header, IFDs, tag values), the rest anywhere
        const pos = r() < 0.5 ? Math.floor(r() * Math.min(4096, bytes.length)) : Math.floor(r() * bytes.length);
        bytes[pos] = Math.floor(r() * 256);
      }
      const file = path.join(dir, `mutant-${path.basename(seed)}`);
      writeFileSync(file, bytes);
      if ((await exercise(file)) === "opened") opened++;
    }
    // the mutants exercise both paths: some still open (pixel reads on corrupt data), some are refused
    expect(opened).toBeGreaterThan(50);
    expect(opened).toBeLessThan(500);
  });

  it("open and close 2,000 times (including failing opens): open file descriptors stay flat", async () => {
    const count = () => readdirSync("/proc/self/fd").length;
    const good = files[0] as string;
    const bad = path.join(dir, "not-a-tiff.svs");
    writeFileSync(bad, "this is not a slide");
    const before = count();
    for (let i = 0; i < 2000; i++) {
      if (i % 4 === 3) {
        await expect(openSlide(bad)).rejects.toBeInstanceOf(WsiError);
      } else {
        const s = await openSlide(good);
        if (i % 10 === 0) await s.readRegion({ x: 0, y: 0, level: 0, width: 32, height: 32 }).catch(() => undefined);
        await s.close();
      }
    }
    expect(count() - before).toBeLessThanOrEqual(2);
  });
});
