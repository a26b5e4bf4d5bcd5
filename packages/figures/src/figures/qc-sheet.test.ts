import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { all, parseSvg, texts } from "../../test/svg-query.js";
import { toPng } from "../png.js";
import { qcContactSheetFigure } from "./qc-sheet.js";

describe("qc contact sheet", () => {
  it("lays out one tile per slide, frames excluded ones with their reasons, and renders embedded images", async () => {
    const red = await sharp({ create: { width: 40, height: 20, channels: 3, background: { r: 255, g: 0, b: 0 } } }).png().toBuffer();
    const href = `data:image/png;base64,${red.toString("base64")}`;
    const tiles = Array.from({ length: 7 }, (_, i) => ({ slide_id: `S${i}`, href, width: 40, height: 20, excluded: i === 2, reasons: i === 2 ? ["blur<15.0"] : [] }));
    const svg = qcContactSheetFigure({ kind: "QC overlays", tiles, columns: 3 });
    const root = parseSvg(svg);
    expect(all(root, "g.mark.tile")).toHaveLength(7);
    expect(all(root, "g.mark.tile.excluded").map((t) => t.getAttribute("data-slide"))).toEqual(["S2"]);
    expect(texts(root, "text.reasons")).toEqual(["blur<15.0"]);
    expect(texts(root, "text.title").join("")).toBe("QC overlays: 7 slides, 1 excluded");
    const { data, info } = await sharp(toPng(svg, { dpi: 96 })).raw().toBuffer({ resolveWithObject: true });
    // The first tile's image (140 × 70 px at 96 dpi) is drawn red.
    const px = (x: number, y: number) => Array.from(data.subarray((y * info.width + x) * info.channels, (y * info.width + x) * info.channels + 3));
    expect(px(16 + 5 + 70, 50 + 35)).toEqual([255, 0, 0]);
  });
  it("says so when there are no images", () => {
    expect(parseSvg(qcContactSheetFigure({ kind: "QC overlays", tiles: [] })).getAttribute("data-empty")).toBe("true");
  });
});
