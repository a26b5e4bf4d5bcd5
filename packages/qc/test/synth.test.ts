import path from "node:path";
import { synthesizeSlide, truthStem, type SynthesizeSlideOptions } from "@osfm/synth";
import { openSlide } from "@osfm/wsi";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { suiteTempDir } from "../../../tooling/config/test-temp-dir";
import { computeQc } from "../src/compute";
import type { QcOptions, QcResult } from "../src/types";

const dir = suiteTempDir("qc-synth-");

/** Synthesizes a slide, runs QC on it, and returns the QC with the truth and the truth tissue mask. */
async function qcOf(name: string, synth: SynthesizeSlideOptions, qcOptions: QcOptions[] = [{}]) {
  const file = path.join(dir, `${name}.svs`);
  const truth = await synthesizeSlide(file, { seed: 7, ...synth });
  const slide = await openSlide(file);
  const results: QcResult[] = [];
  for (const o of qcOptions) results.push(await computeQc(slide, o));
  await slide.close();
  const { data, info } = await sharp(`${truthStem(file)}.tissue.png`).greyscale().raw().toBuffer({ resolveWithObject: true });
  return { truth, results, truthTissue: { width: info.width, height: info.height, data }, level0: [truth.widthPx, truth.heightPx] as const };
}

/** IoU of a QC mask against the truth mask, sampling the truth at each QC pixel's centre. */
function iou(qc: QcResult, truthTissue: { width: number; height: number; data: Buffer }, level0: readonly [number, number], truthDs: number): number {
  const m = qc.masks.tissue;
  const dsx = level0[0] / m.width;
  const dsy = level0[1] / m.height;
  let inter = 0;
  let union = 0;
  for (let y = 0; y < m.height; y++) {
    const ty = Math.min(truthTissue.height - 1, Math.floor(((y + 0.5) * dsy) / truthDs));
    for (let x = 0; x < m.width; x++) {
      const tx = Math.min(truthTissue.width - 1, Math.floor(((x + 0.5) * dsx) / truthDs));
      const a = m.data[y * m.width + x]! > 0;
      const b = truthTissue.data[ty * truthTissue.width + tx]! > 0;
      inter += a && b ? 1 : 0;
      union += a || b ? 1 : 0;
    }
  }
  return inter / union;
}

describe("QC on @osfm/synth slides with known ground truth", () => {
  it("tissue mask IoU ≥ 0.9 against the truth mask (Otsu rule); the original HSV rule ≥ 0.85 (it leaves out pale lumens)", async () => {
    const { truth, results, truthTissue, level0 } = await qcOf("plain", { widthUm: 2000, heightUm: 1500, mpp: 0.5 }, [{ tissueRule: "otsu" }, {}]);
    const [otsu, hsv] = results as [QcResult, QcResult];
    expect(iou(otsu, truthTissue, level0, truth.masks.downsample)).toBeGreaterThanOrEqual(0.9);
    expect(Math.abs(otsu.tissuePct - truth.tissueFraction) / truth.tissueFraction).toBeLessThan(0.1);
    expect(iou(hsv, truthTissue, level0, truth.masks.downsample)).toBeGreaterThanOrEqual(0.85);
    expect(Math.abs(hsv.tissuePct - truth.tissueFraction) / truth.tissueFraction).toBeLessThan(0.15);
    expect(hsv.excluded).toBe(false);
  });

  it("on a pale (faded) slide the fixed HSV rule misses tissue and says so; Otsu still finds it", async () => {
    const { truth, results, truthTissue, level0 } = await qcOf("pale", { widthUm: 2000, heightUm: 1500, mpp: 0.5, center: "pale" }, [{ tissueRule: "otsu" }, {}]);
    const [otsu, hsv] = results as [QcResult, QcResult];
    expect(iou(otsu, truthTissue, level0, truth.masks.downsample)).toBeGreaterThanOrEqual(0.9);
    expect(hsv.tissuePct).toBeLessThan(0.5 * truth.tissueFraction);
    expect(hsv.warnings.join()).toMatch(/consider tissueRule "otsu"/);
  });

  for (const color of ["blue", "green", "black"] as const) {
    it(`${color} pen: pen fraction within ±30 % of the truth`, async () => {
      const pen = [{ color, widthUm: 40, pointsUm: [[80, 150], [900, 260], [700, 650]] as [number, number][] }];
      const { truth, results } = await qcOf(`pen-${color}`, { widthUm: 1000, heightUm: 750, mpp: 0.5, pen });
      const qc = results[0]!;
      expect(truth.penFraction).toBeGreaterThan(0.02);
      expect(qc.penPct).toBeGreaterThan(0.7 * truth.penFraction);
      expect(qc.penPct).toBeLessThan(1.3 * truth.penFraction);
      expect(qc.reasons).toContain("pen>0.02");
    });
  }

  it("strong eosin without pen: < 0.5 % pen (the original band reports far more)", async () => {
    const { truth, results } = await qcOf("eosin", { widthUm: 2000, heightUm: 1500, mpp: 0.5, center: 2 }, [{}, { penRule: "original" }]);
    expect(truth.penFraction).toBe(0);
    expect(results[0]!.penPct).toBeLessThan(0.005);
    expect(results[1]!.penPct).toBeGreaterThan(10 * results[0]!.penPct);
  });

  it("blur separates a blurred slide from the same slide in focus", async () => {
    const base = { widthUm: 1000, heightUm: 750, mpp: 0.5, seed: 11 };
    const sharpQc = (await qcOf("focus", base, [{ tissueRule: "otsu" }])).results[0]!;
    const blurQc = (await qcOf("blurred", { ...base, blur: [{ xUm: 500, yUm: 375, radiusUm: 2000, sigmaUm: 6 }] }, [{ tissueRule: "otsu" }])).results[0]!;
    expect(blurQc.blurVar).toBeLessThan(0.1 * sharpQc.blurVar);
    expect(sharpQc.blurVar).toBeGreaterThan(15);
  });
});
