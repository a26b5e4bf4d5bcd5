#!/usr/bin/env node
// osfm-features: tile features for a cohort (NB05). Prints progress to stderr and a JSON report to stdout.
import { Command, Option } from "commander";
import { BackboneError } from "./errors";
import { runFeatures } from "./run/run-features";
import type { FeatureDtype } from "./types";

const program = new Command()
  .name("osfm-features")
  .description("Encode the tiles of @osfm/tiling manifests with ConvNeXt-Tiny (or any ONNX encoder) into HDF5 feature files.")
  .requiredOption("--manifest <paths...>", "tile manifests (.arrow files or folders of them)")
  .requiredOption("--slides <paths...>", "slide files or folders (searched recursively)")
  .requiredOption("--out <dir>", "feature cache root: <out>/<encoder id>/scale0p5|scale2p0/<slide id>.h5")
  .option("--weights <file>", "weights: .safetensors (torchvision or timm names) or an .onnx encoder; default: seeded random init")
  .option("--arch <name>", "architecture for safetensors weights or the seeded init", "convnext_tiny")
  .option("--seed <n>", "seed of the random init", "0")
  .option("--threads <n>", "onnxruntime intra-op threads (0 = one per core)", "0")
  .option("--batch-size <n>", "tiles per onnxruntime run", "32")
  .option("--decode-workers <n>", "tile decode worker threads per slide", "2")
  .addOption(new Option("--dtype <dtype>", "precision of encoder input and weights").choices(["float32", "float16"]).default("float32"))
  .addOption(new Option("--features-dtype <dtype>", "storage dtype of `features` (default: --dtype)").choices(["float32", "float16"]))
  .option("--final-norm", "apply the final LayerNorm (torchvision classifier.0) after pooling", false)
  .option("--force", "re-extract even when a cached file matches", false)
  .option("--self-test-seconds <s>", "length of the self-test gate (0 skips it)", "60")
  .option("--self-test-threshold <tiles/s>", "minimum self-test rate", "50")
  .option("--quiet", "no progress on stderr", false);

program.parse();
const o = program.opts<Record<string, string | boolean | string[] | undefined>>();
const num = (name: string) => {
  const v = Number(o[name]);
  if (!Number.isFinite(v) || v < 0) program.error(`--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} must be a non-negative number`);
  return v;
};
const quiet = o.quiet === true;
const log = (line: string) => {
  if (!quiet) process.stderr.write(`${line}\n`);
};
const selfTestSeconds = num("selfTestSeconds");
const controller = new AbortController();
process.once("SIGINT", () => controller.abort());

try {
  let lastLog = 0;
  const report = await runFeatures({
    manifests: o.manifest as string[],
    slides: o.slides as string[],
    out: o.out as string,
    encoder: {
      arch: o.arch as string,
      seed: num("seed"),
      threads: num("threads"),
      dtype: o.dtype as FeatureDtype,
      finalNorm: o.finalNorm === true,
      ...(typeof o.weights === "string" ? { weights: o.weights } : {}),
    },
    batchSize: Math.max(1, num("batchSize")),
    decodeWorkers: num("decodeWorkers"),
    force: o.force === true,
    ...(typeof o.featuresDtype === "string" ? { dtype: o.featuresDtype as FeatureDtype } : {}),
    selfTest: selfTestSeconds > 0 ? { seconds: selfTestSeconds, threshold: num("selfTestThreshold") } : false,
    signal: controller.signal,
    onProgress: (p) => {
      const now = Date.now();
      if (now - lastLog < 2000 && p.done < p.total) return;
      lastLog = now;
      log(`${p.slideId} @${p.scale} µm/px: ${p.done}/${p.total} tiles, ${p.tilesPerSecond.toFixed(1)} tiles/s`);
    },
    onSlide: (e) => {
      if (e.error) log(`${e.slideId}: FAILED ${e.error.code}: ${e.error.message}`);
      else for (const r of e.results ?? []) log(`${r.slideId} @${r.scale} µm/px: ${r.skipped ? "cached, skipped" : `${r.tiles} tiles in ${r.seconds.toFixed(1)} s`} → ${r.path}`);
    },
  });
  process.stdout.write(`${JSON.stringify(report)}\n`);
  process.exitCode = report.failures.length > 0 ? 1 : 0;
} catch (e) {
  const err = e as Error;
  process.stderr.write(`osfm-features: ${err instanceof BackboneError ? `${err.code}: ` : ""}${err.message}\n`);
  process.exitCode = err instanceof BackboneError && err.code === "SELF_TEST_FAILED" ? 3 : 2;
}
