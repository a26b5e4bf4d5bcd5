#!/usr/bin/env node
import { Command, InvalidArgumentError } from "commander";
import { synthesizeCohort } from "./cohort/synthesize-cohort";
import { cohortPresets } from "./cohort/presets";
import { synthesizeSlide } from "./synthesize-slide";

const num = (v: string): number => {
  const n = Number(v);
  if (!Number.isFinite(n)) throw new InvalidArgumentError(`expected a number, got "${v}"`);
  return n;
};

const program = new Command("osfm-synth").description("Synthetic H&E slides and TCGA/CAMELYON/PANDA-like cohorts with ground truth.");

program
  .command("cohort")
  .description("write a cohort in the real datasets' layout (Raw Data/…, Validation Data/PANDA/…)")
  .requiredOption("--out <dir>", "cohort folder")
  .option("--preset <name>", `one of ${[...cohortPresets.keys()].join(", ")}`, "demo")
  .option("--quiet", "no progress lines")
  .action(async (opts: { out: string; preset: string; quiet?: boolean }) => {
    const t0 = Date.now();
    const result = await synthesizeCohort(opts.out, opts.preset, {
      onSlide: (p) => {
        if (!opts.quiet) process.stderr.write(`[${p.index + 1}/${p.total}] ${p.skipped ? "kept" : "wrote"} ${p.path}\n`);
      },
    });
    process.stdout.write(`${result.slides.length} slides (${result.skipped} kept) in ${opts.out} (${((Date.now() - t0) / 1000).toFixed(1)} s)\n`);
  });

program
  .command("slide")
  .description("write one synthetic slide and its ground truth (<stem>.truth.json, masks)")
  .argument("<path>", "output .svs or .tiff")
  .option("--width-um <um>", "width in µm", num, 4000)
  .option("--height-um <um>", "height in µm", num, 3000)
  .option("--mpp <mpp>", "µm per pixel at level 0", num, 0.5)
  .option("--class <name>", "tissue class", "adenocarcinoma")
  .option("--lesions <n>", "number of carcinoma lesions", num, 0)
  .option("--center <c>", "stain centre 0–4 or preset name", "0")
  .option("--pen <n>", "pen strokes", num, 0)
  .option("--blur <n>", "blurred regions", num, 0)
  .option("--folds <n>", "tissue folds", num, 0)
  .option("--format <f>", "svs or tiff")
  .option("--seed <seed>", "seed", "0")
  .action(async (path: string, o: Record<string, string | number>) => {
    const center = /^\d+$/.test(String(o.center)) ? Number(o.center) : String(o.center);
    const format = (o.format as "svs" | "tiff" | undefined) ?? (/\.tiff?$/i.test(path) ? "tiff" : "svs");
    const truth = await synthesizeSlide(path, {
      widthUm: o.widthUm as number,
      heightUm: o.heightUm as number,
      mpp: o.mpp as number,
      tissueClass: String(o.class),
      lesions: o.lesions as number,
      center,
      pen: o.pen as number,
      blur: o.blur as number,
      folds: o.folds as number,
      format,
      seed: /^-?\d+$/.test(String(o.seed)) ? Number(o.seed) : String(o.seed),
    });
    process.stdout.write(`${path}: ${truth.widthPx}x${truth.heightPx} px, ${truth.label}, tissue ${(truth.tissueFraction * 100).toFixed(1)} %\n`);
  });

program.parseAsync().catch((error: unknown) => {
  process.stderr.write(`osfm-synth: ${(error as Error).message}\n`);
  process.exit(1);
});
