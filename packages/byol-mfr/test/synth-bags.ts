import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createEncoder, resizeBilinearPil, type Encoder } from "@osfm/backbone";
import type { SlideBag } from "@osfm/mil";
import { sampleTissueTiles } from "@osfm/synth";

/** A cohort of `@osfm/synth` slides encoded by `@osfm/backbone` (test helper). */
export interface SynthBagsOptions {
  /** Main tissue class per synthetic class; a slide mixes it (`major`) with stroma and inflamed (3 : 2). */
  classes: readonly string[];
  /** Share of the main class in every slide. @default 0.75 */
  major?: number;
  slidesPerClass: number;
  /** Tiles per slide at 0.5 and at 2.0 µm/px (rendered at 256 px, resized to 224 as feature extraction does). */
  tiles05: number;
  tiles20: number;
  /** Slide size in µm. */
  sizeUm: readonly [number, number];
  seed: number;
}

export interface SynthBags {
  bags: SlideBag[];
  labels: number[];
}

const RENDER = 256;
const INPUT = 224;

/**
 * Slide `s` has class `s % classes`, staining centre `s % 5` (so colour is not the class) and seed
 * `seed·1000 + s`; its tiles are encoded by a seeded random ConvNeXt-Tiny (768-d, no pretrained weights here).
 * Cached in the OS temp folder keyed by the options, so re-runs skip the encoding.
 */
export async function synthBags(o: SynthBagsOptions): Promise<SynthBags> {
  const key = createHash("sha256").update(JSON.stringify({ v: 1, o })).digest("hex").slice(0, 16);
  const file = join(tmpdir(), "osfm-byol-mfr-test-cache", `synth-bags-${key}.bin`);
  try {
    return decode(readFileSync(file), o);
  } catch {
    // not cached yet
  }
  const cohort = await build(o);
  mkdirSync(join(file, ".."), { recursive: true });
  writeFileSync(`${file}.tmp`, encodeCohort(cohort));
  renameSync(`${file}.tmp`, file);
  return cohort;
}

async function build(o: SynthBagsOptions): Promise<SynthBags> {
  const encoder = await createEncoder({ arch: "convnext_tiny", threads: 2 });
  const bags: SlideBag[] = [];
  const labels: number[] = [];
  const major = o.major ?? 0.75;
  try {
    for (let s = 0; s < o.classes.length * o.slidesPerClass; s++) {
      const c = s % o.classes.length;
      const slide = {
        widthUm: o.sizeUm[0], heightUm: o.sizeUm[1], seed: o.seed * 1000 + s, center: s % 5, tissuePieces: 1,
        tissueClass: { [o.classes[c] as string]: major, stroma: 0.6 * (1 - major), inflamed: 0.4 * (1 - major) },
      };
      const [f05, xy05] = await scale(encoder, slide, 0.5, o.tiles05, s);
      const [f20, xy20] = await scale(encoder, slide, 2, o.tiles20, s);
      bags.push({ slideId: `synth_${String(s).padStart(3, "0")}`, features05: f05, coords05: xy05, features20: f20, coords20: xy20 });
      labels.push(c);
    }
  } finally {
    await encoder.close();
  }
  return { bags, labels };
}

async function scale(encoder: Encoder, slide: Parameters<typeof sampleTissueTiles>[0], mpp: number, count: number, s: number): Promise<[Float32Array, Float32Array]> {
  const sampled = sampleTissueTiles(slide, { mpp, size: RENDER, count, salt: s + 1 });
  if (sampled.tiles.length < count) throw new Error(`slide ${s}: ${sampled.tiles.length} tissue tiles at ${mpp} µm/px, wanted ${count}`);
  const batch = new Uint8Array(count * INPUT * INPUT * 3);
  sampled.tiles.forEach((t, k) => batch.set(resizeBilinearPil(t, RENDER, RENDER, 3, INPUT, INPUT), k * INPUT * INPUT * 3));
  // tile centres in mm, where they lie on the slide
  const coords = Float32Array.from(sampled.corners.flatMap(([x, y]) => [((x + RENDER / 2) * mpp) / 1000, ((y + RENDER / 2) * mpp) / 1000]));
  return [await encoder.encode(batch, count), coords];
}

// cache file: labels (int32) then, per slide, features05, coords05, features20, coords20 (float32; sizes follow from the options)
function encodeCohort(c: SynthBags): Buffer {
  const parts: Uint8Array[] = [new Uint8Array(Int32Array.from(c.labels).buffer)];
  for (const b of c.bags) for (const a of [b.features05, b.coords05, b.features20, b.coords20]) parts.push(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  return Buffer.concat(parts);
}

function decode(buf: Buffer, o: SynthBagsOptions): SynthBags {
  const n = o.classes.length * o.slidesPerClass;
  const all = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  const sizes = [o.tiles05 * 768, o.tiles05 * 2, o.tiles20 * 768, o.tiles20 * 2];
  if (all.length !== n + n * sizes.reduce((a, b) => a + b, 0)) throw new Error("cache size mismatch");
  const labels = [...new Int32Array(all.buffer, 0, n)];
  let at = n;
  const take = (k: number) => all.subarray(at, (at += k));
  const bags = labels.map((_, s) => {
    const [features05, coords05, features20, coords20] = sizes.map(take) as [Float32Array, Float32Array, Float32Array, Float32Array];
    return { slideId: `synth_${String(s).padStart(3, "0")}`, features05, coords05, features20, coords20 };
  });
  return { bags, labels };
}
