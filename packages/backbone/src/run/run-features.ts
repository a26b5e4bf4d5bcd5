import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { openSlide, type Slide } from "@osfm/wsi";
import { createEncoder, type CreateEncoderOptions } from "../encoder/create-encoder";
import type { Encoder } from "../encoder/encoder";
import { BackboneError } from "../errors";
import { extractFeatures, type ExtractResult } from "../extract/extract-features";
import { runSelfTest, type SelfTestReport } from "../self-test";
import type { ExtractProgress, FeatureDtype } from "../types";
import { indexSlides, loadManifests } from "./inputs";

/** Options of `runFeatures`: a whole cohort, as the `osfm-features` CLI runs it. */
export interface RunFeaturesOptions {
  /** Arrow tile manifests (files or folders). */
  manifests: readonly string[];
  /** Slide files or folders (searched recursively). */
  slides: readonly string[];
  /** Feature cache root. */
  out: string;
  /** How to build the encoder. @default ConvNeXt-Tiny, seeded init */
  encoder?: CreateEncoderOptions;
  /** @default 32 */
  batchSize?: number;
  /** Decode worker threads per open slide (`@osfm/wsi`). @default 2 */
  decodeWorkers?: number;
  /** Storage dtype. @default the encoder's */
  dtype?: FeatureDtype;
  /** @default false */
  force?: boolean;
  /** Run the NB05 self-test gate first. @default { seconds: 60, threshold: 50 } */
  selfTest?: { seconds?: number; threshold?: number } | false;
  onProgress?: (progress: ExtractProgress) => void;
  /** Called when a slide finishes, is skipped or fails. */
  onSlide?: (event: { slideId: string; results?: ExtractResult[]; error?: BackboneError }) => void;
  signal?: AbortSignal;
}

/** What a cohort run did. */
export interface RunFeaturesReport {
  encoderId: string;
  results: ExtractResult[];
  failures: { slideId: string; code: string; message: string }[];
  selfTest: SelfTestReport | undefined;
}

function writeJsonAtomic(file: string, value: unknown): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(tmp, file);
}

async function open(slidePath: string, workers: number, cacheBytes?: number): Promise<Slide> {
  try {
    return await openSlide(slidePath, { workers, ...(cacheBytes === undefined ? {} : { cacheBytes }) });
  } catch (cause) {
    throw new BackboneError("SLIDE_MISSING", `cannot open the slide: ${(cause as Error).message}`, { path: slidePath, cause });
  }
}

/**
 * Extracts features for every slide that has both a manifest and a slide file: self-test gate first, then
 * one slide after another, skipping cached files. A failing slide is recorded and the run goes on.
 * @throws BackboneError `SELF_TEST_FAILED` when the gate fails (its report is written first)
 */
export async function runFeatures(options: RunFeaturesOptions): Promise<RunFeaturesReport> {
  const { out, batchSize = 32, decodeWorkers = 2, force = false, selfTest = {}, onProgress, onSlide, signal } = options;
  const manifests = loadManifests(options.manifests);
  const slideIndex = indexSlides(options.slides);
  const encoder: Encoder = await createEncoder(options.encoder ?? {});
  const report: RunFeaturesReport = { encoderId: encoder.id, results: [], failures: [], selfTest: undefined };
  const fail = (slideId: string, e: unknown) => {
    const err = e instanceof BackboneError ? e : new BackboneError("TILE_READ_FAILED", (e as Error).message, { cause: e });
    report.failures.push({ slideId, code: err.code, message: err.message });
    onSlide?.({ slideId, error: err });
  };
  try {
    if (selfTest !== false) {
      const ids = [...manifests.keys()].filter((id) => slideIndex.has(id)).sort((a, b) => manifests.get(a)!.length - manifests.get(b)!.length).slice(0, 12);
      // Up to 12 slides are open together here: a small tile cache each keeps memory bounded.
      const opened = await Promise.all(ids.map(async (id) => ({ slide: await open(slideIndex.get(id)!, decodeWorkers, 32 << 20), rows: manifests.get(id)! })));
      try {
        report.selfTest = await runSelfTest({ encoder, slides: opened, batchSize, ...selfTest, ...(signal ? { signal } : {}) });
      } finally {
        await Promise.all(opened.map((o) => o.slide.close()));
      }
      writeJsonAtomic(path.join(out, encoder.id, "selftest.json"), report.selfTest);
      if (!report.selfTest.pass) {
        throw new BackboneError("SELF_TEST_FAILED", `self-test: ${report.selfTest.tiles_per_s.toFixed(1)} tiles/s is below the threshold of ${report.selfTest.target} tiles/s`);
      }
    }
    for (const [slideId, rows] of manifests) {
      if (signal?.aborted) throw new BackboneError("ABORTED", "run aborted");
      const slidePath = slideIndex.get(slideId);
      if (slidePath === undefined) {
        fail(slideId, new BackboneError("SLIDE_MISSING", `no slide file for "${slideId}" in ${options.slides.join(", ")}`));
        continue;
      }
      let slide: Slide | undefined;
      try {
        slide = await open(slidePath, decodeWorkers);
        const results = await extractFeatures({
          slide, manifest: rows, encoder, out, slideId, batchSize, force,
          ...(options.dtype ? { dtype: options.dtype } : {}),
          ...(onProgress ? { onProgress } : {}),
          ...(signal ? { signal } : {}),
        });
        report.results.push(...results);
        onSlide?.({ slideId, results });
      } catch (e) {
        if (e instanceof BackboneError && e.code === "ABORTED") throw e;
        fail(slideId, e);
      } finally {
        await slide?.close();
      }
    }
  } finally {
    await encoder.close();
  }
  return report;
}
