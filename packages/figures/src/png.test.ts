import { describe, expect, it } from "vitest";
import sharp from "sharp";
import { pngInfo } from "../test/svg-query.js";
import { qcTissueFigure } from "./figures/qc.js";
import { fig4aFigure } from "./figures/fig4a.js";
import { setPngDpi, toPng } from "./png.js";

const qc = {
  thresholds: { tissue_pct_min: 0.1, white_pct_max: 0.75, blur_var_min: 15, pen_pct_max: 0.02 },
  slides: [0.2, 0.4, 0.6].map((t, i) => ({ slide_id: `s${i}`, cancer_code: "X", tissue_pct: t, white_pct: 0.1, pen_pct: 0, blur_var: 30, excluded: false, reasons: [] })),
};

async function darkPixels(png: Uint8Array, region: { left: number; top: number; width: number; height: number }): Promise<number> {
  const { data } = await sharp(png).extract(region).greyscale().raw().toBuffer({ resolveWithObject: true });
  let n = 0;
  for (const v of data) if (v < 128) n += 1;
  return n;
}

describe("toPng", () => {
  it("renders at 300 dpi: 6.5 × 4.5 in → 1950 × 1350 px (+15 px per note at 96 px/in) with a pHYs of 300 dpi", () => {
    const svg = qcTissueFigure(qc); // one note → SVG height 432 + 15 = 447 px
    const info = pngInfo(toPng(svg, { dpi: 300 }));
    expect(info.width).toBe(1950);
    expect(info.height).toBe(Math.round((447 * 300) / 96));
    expect(info.dpi).toBe(300);
    const square = pngInfo(toPng(fig4aFigure({ auroc: null, auroc_ci95: null, slides: [{ slide_id: "a", y_true: 1, p_tumor: 0.9 }, { slide_id: "b", y_true: 0, p_tumor: 0.1 }], references: [] })));
    expect(square.width).toBe(1800);
  });
  it("scales with dpi", () => {
    const info = pngInfo(toPng(qcTissueFigure(qc), { dpi: 96 }));
    expect([info.width, info.dpi]).toEqual([624, 96]);
  });
  it("draws text with the bundled font and no system fonts (no font → no title pixels)", async () => {
    const svg = qcTissueFigure(qc);
    const title = { left: 300, top: 20, width: 1350, height: 60 };
    const withFont = await darkPixels(toPng(svg), title);
    const noFont = await darkPixels(toPng(svg, { fontFiles: [] }), title);
    expect(withFont).toBeGreaterThan(2000);
    expect(noFont).toBe(0);
  });
  it("is byte-identical for the same SVG", () => {
    const svg = qcTissueFigure(qc);
    expect(Buffer.from(toPng(svg)).equals(Buffer.from(toPng(svg)))).toBe(true);
  });
  it("setPngDpi replaces an existing pHYs chunk", () => {
    const png = setPngDpi(toPng(qcTissueFigure(qc), { dpi: 100 }), 600);
    expect(pngInfo(png).dpi).toBe(600);
    expect(Buffer.from(png).indexOf("pHYs")).toBe(Buffer.from(png).lastIndexOf("pHYs"));
  });
});
