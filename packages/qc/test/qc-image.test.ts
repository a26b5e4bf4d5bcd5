import { readFileSync } from "node:fs";
import path from "node:path";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { testTempDir } from "../../../tooling/config/test-temp-dir";
import { computeQcOnImage } from "../src/compute";
import { heImage } from "./support/he-image";
import { runQcReference } from "./support/reference";

const rel = (a: number, b: number): number => Math.abs(a - b) / Math.max(Math.abs(b), 1e-12);

async function toPng(img: { width: number; height: number; data: Uint8Array }, name: string): Promise<string> {
  const dir = testTempDir("qc-img-");
  const file = path.join(dir, name);
  await sharp(Buffer.from(img.data), { raw: { width: img.width, height: img.height, channels: 4 } }).png().toFile(file);
  return file;
}

describe("parity with the Python reference of the original NB03 rules", () => {
  for (const [name, opts] of [
    ["H&E with blue pen", { seed: 3, pen: [40, 70, 170] as [number, number, number] }],
    ["pale H&E", { seed: 5, strength: 0.35 }],
    ["strong eosin", { seed: 9, eosin: [220, 60, 150] as [number, number, number] }],
  ] as const) {
    it(`${name}: identical masks; fractions and blur within 1 %`, async () => {
      const { image } = heImage({ width: 400, height: 300, ...opts });
      const png = await toPng(image, "thumb.png");
      const prefix = png.replace(/\.png$/, "");
      const ref = runQcReference(["--image", png, "--masks-out", prefix]);
      const ours = computeQcOnImage(image, { penRule: "original" });
      for (const k of ["tissue", "white", "pen"] as const) {
        const refMask = readFileSync(`${prefix}_${k}.bin`);
        let diff = 0;
        for (let i = 0; i < refMask.length; i++) diff += refMask[i] !== ours.masks[k].data[i] ? 1 : 0;
        expect(diff, `${k} mask pixels that differ`).toBe(0);
      }
      expect(rel(ours.tissuePct, ref.tissue_pct)).toBeLessThan(0.01);
      expect(Math.abs(ours.whitePct - ref.white_pct)).toBeLessThan(0.01 * Math.max(ref.white_pct, 0.01));
      expect(Math.abs(ours.penPct - ref.pen_pct)).toBeLessThan(0.01 * Math.max(ref.pen_pct, 0.01));
      expect(rel(ours.blurVar, ref.blur_var)).toBeLessThan(0.01);
      expect(rel(ours.brightnessMean, ref.brightness_mean)).toBeLessThan(1e-9);
      expect(rel(ours.saturationMean, ref.saturation_mean)).toBeLessThan(1e-9);
      expect(ours.reasons.filter((r) => r !== "no_tissue")).toEqual(ref.reasons);
    });
  }
});

describe("pen detection", () => {
  for (const [ink, colour] of [
    ["blue", [40, 80, 175]],
    ["green", [40, 140, 80]],
    ["black", [25, 25, 30]],
  ] as const) {
    it(`finds ${ink} ink within ±30 % of the drawn stroke`, () => {
      const { image, pen } = heImage({ seed: 11, pen: [...colour] });
      const truth = pen.reduce((a, b) => a + b, 0) / pen.length;
      const qc = computeQcOnImage(image);
      expect(qc.penPct).toBeGreaterThan(0.7 * truth);
      expect(qc.penPct).toBeLessThan(1.3 * truth);
    });
  }

  for (const [ink, t] of [
    ["blue", [0.18, 0.32, 0.85]],
    ["green", [0.2, 0.62, 0.32]],
    ["black", [0.12, 0.12, 0.14]],
  ] as const) {
    it(`finds ${ink} ink drawn across tissue and glass (ink multiplies what is under it) within ±30 %`, () => {
      const { image, pen } = heImage({ seed: 23, ink: [...t], penY: 0.5 });
      const truth = pen.reduce((a, b) => a + b, 0) / pen.length;
      const qc = computeQcOnImage(image);
      expect(qc.penPct).toBeGreaterThan(0.7 * truth);
      expect(qc.penPct).toBeLessThan(1.3 * truth);
    });
  }

  it("does not call strong eosin pen (< 0.5 %), although the original band does", () => {
    const { image } = heImage({ seed: 13, eosin: [215, 50, 140] });
    expect(computeQcOnImage(image).penPct).toBeLessThan(0.005);
    expect(computeQcOnImage(image, { penRule: "original" }).penPct).toBeGreaterThan(0.05);
  });
});

describe("tissue rules", () => {
  it("Otsu finds pale tissue that the fixed S ≥ 20 rule misses", () => {
    const { image, tissue } = heImage({ seed: 17, strength: 0.22 });
    const truth = tissue.reduce((a, b) => a + b, 0) / tissue.length;
    const fixed = computeQcOnImage(image);
    const otsu = computeQcOnImage(image, { tissueRule: "otsu" });
    expect(fixed.tissuePct).toBeLessThan(0.5 * truth);
    expect(Math.abs(otsu.tissuePct - truth) / truth).toBeLessThan(0.1);
    expect(otsu.rules.tissue).toBe("otsu");
  });

  it("blur separates a blurred thumbnail from the sharp one", async () => {
    const { image } = heImage({ seed: 19 });
    const blurred = await sharp(Buffer.from(image.data), { raw: { width: image.width, height: image.height, channels: 4 } })
      .blur(3)
      .raw()
      .toBuffer();
    const sharpQc = computeQcOnImage(image);
    const blurQc = computeQcOnImage({ ...image, data: new Uint8Array(blurred) });
    expect(sharpQc.blurVar).toBeGreaterThan(15);
    expect(blurQc.blurVar).toBeLessThan(15);
    expect(blurQc.reasons).toContain("blur<15.0");
  });
});

describe("exclusion and bad input", () => {
  it("an image without tissue is excluded with no_tissue, low_tissue, white and blur reasons", () => {
    const data = new Uint8Array(200 * 100 * 4).fill(250);
    const qc = computeQcOnImage({ width: 200, height: 100, data });
    expect(qc.tissuePct).toBe(0);
    expect(qc.blurVar).toBe(0);
    expect(qc.excluded).toBe(true);
    expect(qc.reasons).toEqual(["no_tissue", "low_tissue<0.10", "white>0.75", "blur<15.0"]);
  });

  it("a tiny thumbnail is excluded with thumb<64; custom thresholds format their tokens", () => {
    const { image } = heImage({ width: 40, height: 30, seed: 2 });
    const qc = computeQcOnImage(image, { thresholds: { minTissuePct: 0.95 } });
    expect(qc.reasons).toContain("thumb<64");
    expect(qc.reasons).toContain("low_tissue<0.95");
  });

  it("rejects a malformed image and unknown rules with a QcError", () => {
    expect(() => computeQcOnImage({ width: 10, height: 10, data: new Uint8Array(10) })).toThrow(/expected 400 RGBA bytes/);
    const { image } = heImage({ width: 64, height: 64 });
    expect(() => computeQcOnImage(image, { tissueRule: "magic" })).toThrow(/unknown tissue rule "magic"/);
    expect(() => computeQcOnImage(image, { penRule: "magic" })).toThrow(/unknown pen rule/);
  });

  it("transparent pixels count as white glass", () => {
    const data = new Uint8Array(100 * 100 * 4); // all (0,0,0,0)
    const qc = computeQcOnImage({ width: 100, height: 100, data });
    expect(qc.whitePct).toBe(1);
    expect(qc.tissuePct).toBe(0);
  });
});
