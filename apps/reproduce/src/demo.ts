import { readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import type { RunConfig } from "./config/schema";
import { errorLine, StageUnavailableError } from "./errors";
import { writeJsonAtomic } from "./io/atomic";
import { hashValue } from "./io/hash";
import { missingExports, requirePackage } from "./ports/modules";
import type { Reporter } from "./progress/reporter";
import { readJson } from "./report/read";

/** Marker written inside the demo data folder: which preset (name and definition hash) built it. */
export const DEMO_MARKER = ".osfm-demo.json";
/** Written before the cohort is built: which preset is being written (so a resumed build continues it). */
const DEMO_PROGRESS = ".osfm-demo-building.json";

type Synth = {
  synthesizeCohort: (dir: string, preset: string, options?: { onSlide?: (p: { index?: number; total?: number; done?: number }) => void }) => Promise<unknown>;
  cohortPreset: (name: string) => unknown;
};
type Marker = { preset: string; definition?: string };

/**
 * `--demo`: makes sure the data folder holds the synthetic cohort of the configured preset and seed,
 * building it with @osfm/synth if not (resumable: a killed build continues where it stopped). A cohort
 * built from an older definition of the preset (another @osfm/synth version) is removed and rebuilt: the
 * marker proves the folder is ours.
 */
export async function ensureDemoData(config: RunConfig, reporter: Reporter): Promise<void> {
  if (!config.demo || !config.data) return;
  const marker = await readJson<Marker>(join(config.data, DEMO_MARKER));
  const progress = await readJson<Marker>(join(config.data, DEMO_PROGRESS));
  const other = marker ?? progress;
  if (other && other.preset !== config.demoPreset) {
    throw new StageUnavailableError("demo", `${config.data} holds the ${other.preset} demo cohort, not ${config.demoPreset}; use another --workspace (or delete that folder)`);
  }
  const why = await missingExports("synth", ["synthesizeCohort", "cohortPreset"]);
  if (why) throw new StageUnavailableError("demo", `cannot build the synthetic cohort: ${why}`);
  const synth = await requirePackage<Synth>("synth");
  const definition = hashValue(synth.cohortPreset(config.demoPreset));
  if (marker && marker.definition === definition) {
    reporter.info(`demo: using the ${config.demoPreset} cohort in ${config.data}`);
    return;
  }
  if (other && other.definition !== definition) {
    reporter.info(`demo: ${config.data} holds a ${config.demoPreset} cohort built from an older definition of the preset: removing it and building the current one`);
    await rm(config.data, { recursive: true, force: true });
  } else if (!other) {
    try {
      if ((await readdir(config.data)).length > 0)
        throw new StageUnavailableError("demo", `${config.data} exists and is not a demo cohort; pass --data to use it, or another --workspace`);
    } catch (error) {
      if (error instanceof StageUnavailableError) throw error;
    }
  }
  reporter.info(`demo: building the synthetic ${config.demoPreset} cohort in ${config.data}`);
  const t0 = Date.now();
  // @osfm/synth writes each slide atomically and resumes an interrupted cohort; the marker comes last.
  await writeJsonAtomic(join(config.data, DEMO_PROGRESS), { preset: config.demoPreset, definition });
  let n = 0;
  try {
    await synth.synthesizeCohort(config.data, config.demoPreset, { onSlide: () => void (++n % 10 === 0 && reporter.info(`demo: ${n} slides written`)) });
  } catch (error) {
    throw new StageUnavailableError("demo", `building the synthetic cohort failed after ${n} slide(s): ${errorLine(error)} (run again to resume)`);
  }
  await writeJsonAtomic(join(config.data, DEMO_MARKER), { preset: config.demoPreset, definition, builtAt: new Date().toISOString() });
  reporter.info(`demo: cohort built in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}
