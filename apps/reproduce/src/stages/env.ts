import { discoverSlides } from "../datasets/registry";
import { writeFileAtomic, writeJsonAtomic } from "../io/atomic";
import { hashValue } from "../io/hash";
import { missingExports, requirePackage } from "../ports/modules";
import { recordInPassport } from "../runner/pipeline";
import type { Stage } from "../runner/stage";
import { captureEnvironment } from "../workspace/passport";

type Wsi = import("../ports/wsi").WsiPort;

async function sampleProbe(path: string, ws: { path(...p: string[]): string; rel(p: string): string }): Promise<{ probe: Record<string, unknown>; outputs: string[] }> {
  if (await missingExports("wsi", ["openSlide"])) return { probe: { path, note: "@osfm/wsi openSlide not available: no probe" }, outputs: [] };
  const { openSlide } = await requirePackage<Wsi>("wsi");
  const slide = await openSlide(path);
  try {
    const thumb = await slide.thumbnail({ maxSize: 768 });
    const sharp = (await import("sharp")).default;
    const jpeg = await sharp(Buffer.from(thumb.data.buffer, thumb.data.byteOffset, thumb.data.byteLength), { raw: { width: thumb.width, height: thumb.height, channels: 4 } })
      .flatten({ background: "#ffffff" })
      .jpeg({ quality: 90 })
      .toBuffer();
    const stem = path.split("/").pop()!.replace(/\.[^.]+$/, "");
    const out = ws.path("figures", `sample_thumb_${stem}.jpg`);
    await writeFileAtomic(out, jpeg);
    const level0 = slide.levels[0]!;
    return {
      probe: { path, width: level0.width, height: level0.height, levels: slide.levels.length, mpp_x: slide.mpp?.x ?? null, mpp_y: slide.mpp?.y ?? null, vendor: slide.vendor, objective_power: slide.objectivePower ?? null, thumb: ws.rel(out) },
      outputs: [ws.rel(out)],
    };
  } finally {
    await slide.close();
  }
}

/** NB01: creates the workspace layout, records the environment in the passport, probes one slide. */
export const envStage: Stage = {
  name: "env",
  nb: "NB01",
  title: "environment and compute passport",
  kind: "cohort",
  deps: [],
  version: 1,
  settings: (c) => ({ data: c.data ?? null }),
  async plan(ctx) {
    const env = await captureEnvironment(ctx.ws.root);
    const { capturedAt: _t, disk: _d, ...stable } = env;
    return { units: [{ id: "cohort", inputs: hashValue(stable) }], missing: 0, inputs: [] };
  },
  async runUnit(ctx) {
    await ctx.ws.create();
    const env = await captureEnvironment(ctx.ws.root);
    await recordInPassport(ctx, (p) => {
      p.environment = env;
      p.dataRoot = ctx.config.data ?? null;
    });
    let candidates: string[] = [];
    let probe: Record<string, unknown> = {};
    let outputs: string[] = [];
    try {
      const found = await discoverSlides(ctx.roots, { pandaProviderMpp: ctx.config.settings.panda.providerMpp });
      candidates = found.results.flatMap((r) => r.slides.map((s) => s.path)).sort();
    } catch (error) {
      probe = { note: (error as Error).message };
    }
    // The original probes the first slide in sorted order; we take the first that opens (of up to 5).
    for (const path of candidates.slice(0, 5)) {
      try {
        ({ probe, outputs } = await sampleProbe(path, ctx.ws));
        break;
      } catch (error) {
        probe = { path, error: (error as Error).message };
      }
    }
    const summary = ctx.ws.path("logs", "env_summary.json");
    await writeJsonAtomic(summary, { timestamp: env.capturedAt, env, sample_probe: probe });
    return { outputs: [ctx.ws.rel(summary), ...outputs], counts: { cpus: env.cpu.cores } };
  },
};
