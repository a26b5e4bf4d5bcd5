import { access } from "node:fs/promises";
import { join } from "node:path";
import type { RunConfig } from "./config/schema";
import { errorLine, StageUnavailableError } from "./errors";
import { writeJsonAtomic } from "./io/atomic";
import { missingExports, requirePackage } from "./ports/modules";
import type { Reporter } from "./progress/reporter";
import { readJson } from "./report/read";

/** Marker written inside the demo data folder: which preset and seed built it. */
export const DEMO_MARKER = ".osfm-demo.json";
/** Written before the cohort is built: which preset is being written (so a resumed build continues it). */
const DEMO_PROGRESS = ".osfm-demo-building.json";

type Synth = { synthesizeCohort: (dir: string, preset: string, options?: { onSlide?: (p: { index?: number; total?: number; done?: number }) => void }) => Promise<unknown> };

/**
 * `--demo`: makes sure the data folder holds the synthetic cohort of the configured preset and seed,
 * building it with @osfm/synth if not (resumable: a killed build continues where it stopped).
 */
export async function ensureDemoData(config: RunConfig, reporter: Reporter): Promise<void> {
  if (!config.demo || !config.data) return;
  const marker = await readJson<{ preset: string }>(join(config.data, DEMO_MARKER));
  if (marker && marker.preset === config.demoPreset) {
    reporter.info(`demo: using the ${config.demoPreset} cohort in ${config.data}`);
    return;
  }
  const progress = await readJson<{ preset: string }>(join(config.data, DEMO_PROGRESS));
  if (marker || (progress && progress.preset !== config.demoPreset)) {
    throw new StageUnavailableError("demo", `${config.data} holds the ${(marker ?? progress)!.preset} demo cohort, not ${config.demoPreset}; use another --workspace (or delete that folder)`);
  }
  if (!progress) {
    try {
      await access(config.data);
      const { readdir } = await import("node:fs/promises");
      if ((await readdir(config.data)).length > 0)
        throw new StageUnavailableError("demo", `${config.data} exists and is not a demo cohort; pass --data to use it, or another --workspace`);
    } catch (error) {
      if (error instanceof StageUnavailableError) throw error;
    }
  }
  const why = await missingExports("synth", ["synthesizeCohort"]);
  if (why) throw new StageUnavailableError("demo", `cannot build the synthetic cohort: ${why}`);
  const synth = await requirePackage<Synth>("synth");
  reporter.info(`demo: building the synthetic ${config.demoPreset} cohort in ${config.data}`);
  const t0 = Date.now();
  // @osfm/synth writes each slide atomically and resumes an interrupted cohort; the marker comes last.
  await writeJsonAtomic(join(config.data, DEMO_PROGRESS), { preset: config.demoPreset });
  let n = 0;
  try {
    await synth.synthesizeCohort(config.data, config.demoPreset, { onSlide: () => void (++n % 10 === 0 && reporter.info(`demo: ${n} slides written`)) });
  } catch (error) {
    throw new StageUnavailableError("demo", `building the synthetic cohort failed after ${n} slide(s): ${errorLine(error)} (run again to resume)`);
  }
  await writeJsonAtomic(join(config.data, DEMO_MARKER), { preset: config.demoPreset, builtAt: new Date().toISOString() });
  reporter.info(`demo: cohort built in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}
