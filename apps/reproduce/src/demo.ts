import { access } from "node:fs/promises";
import { join } from "node:path";
import type { RunConfig } from "./config/schema";
import { StageUnavailableError } from "./errors";
import { writeDirAtomic, writeJsonAtomic } from "./io/atomic";
import { missingExports, requirePackage } from "./ports/modules";
import type { Reporter } from "./progress/reporter";
import { readJson } from "./report/read";

/** Marker written inside the demo data folder: which preset and seed built it. */
export const DEMO_MARKER = ".osfm-demo.json";

type Synth = { synthesizeCohort: (dir: string, preset: string, options?: { seed?: number }) => Promise<unknown> };

/**
 * `--demo`: makes sure the data folder holds the synthetic cohort of the configured preset and seed,
 * building it with @osfm/synth if not (atomically: a killed build leaves no half cohort behind).
 */
export async function ensureDemoData(config: RunConfig, reporter: Reporter): Promise<void> {
  if (!config.demo || !config.data) return;
  const marker = await readJson<{ preset: string; seed: number }>(join(config.data, DEMO_MARKER));
  if (marker && marker.preset === config.demoPreset && marker.seed === config.seed) {
    reporter.info(`demo: using the ${config.demoPreset} cohort in ${config.data}`);
    return;
  }
  if (!marker) {
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
  reporter.info(`demo: building the synthetic ${config.demoPreset} cohort in ${config.data} (seed ${config.seed})`);
  const t0 = Date.now();
  await writeDirAtomic(config.data, async (tmp) => {
    await synth.synthesizeCohort(tmp, config.demoPreset, { seed: config.seed });
    await writeJsonAtomic(join(tmp, DEMO_MARKER), { preset: config.demoPreset, seed: config.seed, builtAt: new Date().toISOString() });
  });
  reporter.info(`demo: cohort built in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}
