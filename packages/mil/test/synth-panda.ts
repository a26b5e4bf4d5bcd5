import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createEncoder, resizeBilinearPil } from "@osfm/backbone";
import { cohortPreset, planCohort, sampleTissueTiles, type CohortPreset } from "@osfm/synth";
import type { GradingCohort } from "../src/grading-cv";
import type { SlideBag } from "../src/types";

/** Tiles per image at 0.5 and 2.0 µm/px (both cover 256 px at their scale, resized to 224 as NB10 does). */
export interface SynthPandaOptions {
  images: number;
  sizeUm: [number, number];
  tiles05: number;
  tiles20: number;
  seed: number;
}

const TILE = 256;
const INPUT = 224;

/**
 * A PANDA-like cohort from `@osfm/synth` (the demo preset's PANDA jobs: Gleason mixtures per ISUP grade,
 * two providers with their own stain), rendered at 0.5 and 2.0 µm/px, tissue tiles encoded by
 * `@osfm/backbone`'s ConvNeXt-Tiny (seeded init: no pretrained weights here). Returns grading bags.
 */
export async function synthPandaCohort(o: SynthPandaOptions): Promise<GradingCohort> {
  // cached per options (and this file's version) in the OS temp folder: re-runs skip the ~1 min of encoding
  const key = createHash("sha256").update(JSON.stringify({ v: 2, o })).digest("hex").slice(0, 16);
  const cacheDir = join(tmpdir(), "osfm-mil-test-cache");
  const cacheFile = join(cacheDir, `synth-panda-${key}.json`);
  try {
    return revive(JSON.parse(readFileSync(cacheFile, "utf8")) as Stored);
  } catch {
    // not cached yet
  }
  const cohort = await buildCohort(o);
  mkdirSync(cacheDir, { recursive: true });
  writeFileSync(`${cacheFile}.tmp`, JSON.stringify(store(cohort)));
  renameSync(`${cacheFile}.tmp`, cacheFile);
  return cohort;
}

type Stored = Omit<GradingCohort, "bags"> & { bags: Record<string, string>[] };
const B64 = ["features05", "coords05", "features20", "coords20"] as const;
function store(c: GradingCohort): Stored {
  return { ...c, bags: c.bags.map((b) => Object.fromEntries([["slideId", b.slideId ?? ""], ...B64.map((k) => [k, Buffer.from(b[k].buffer, b[k].byteOffset, b[k].byteLength).toString("base64")])])) };
}
function revive(s: Stored): GradingCohort {
  const f32 = (t: string) => {
    const buf = Buffer.from(t, "base64");
    return new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  };
  return { ...s, bags: s.bags.map((b) => ({ slideId: b.slideId, features05: f32(b.features05!), coords05: f32(b.coords05!), features20: f32(b.features20!), coords20: f32(b.coords20!) })) };
}

async function buildCohort(o: SynthPandaOptions): Promise<GradingCohort> {
  const base = cohortPreset("demo");
  const preset: CohortPreset = { ...base, seed: o.seed, panda: { images: o.images, sizeUm: o.sizeUm } };
  const jobs = planCohort(preset).filter((j) => j.dataset === "PANDA");
  const encoder = await createEncoder({ arch: "convnext_tiny", threads: 2 });
  const bags: SlideBag[] = [];
  const labels: number[] = [];
  const providers: string[] = [];
  try {
    for (const [i, job] of jobs.entries()) {
      const scale = async (mpp: number, want: number) => {
        const tiles = sampleTissueTiles(job.options, { mpp, size: TILE, count: want, salt: i + 1 }).tiles.map((t) => resizeBilinearPil(t, TILE, TILE, 3, INPUT, INPUT));
        const batch = new Uint8Array(tiles.length * INPUT * INPUT * 3);
        tiles.forEach((t, k) => batch.set(t, k * INPUT * INPUT * 3));
        const features = tiles.length ? await encoder.encode(batch, tiles.length) : new Float32Array(0);
        // centres in mm on a 1 mm-wide strip: position only needs to be plausible for the model
        const coords = Float32Array.from({ length: tiles.length * 2 }, (_, k) => ((k >> 1) * TILE * mpp) / 1000);
        return { features, coords };
      };
      const a = await scale(0.5, o.tiles05);
      const b = await scale(2, o.tiles20);
      bags.push({ slideId: String(job.labels.image_id), features05: a.features, coords05: a.coords, features20: b.features, coords20: b.coords });
      labels.push(Number(job.labels.isup_grade));
      providers.push(String(job.labels.data_provider));
    }
  } finally {
    await encoder.close();
  }
  return { ids: bags.map((b) => b.slideId as string), bags, labels, providers };
}
