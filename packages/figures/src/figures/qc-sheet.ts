import { createFigure, r2 } from "../svg/figure.js";
import { messageFigure } from "../svg/message.js";
import { theme } from "../theme.js";
import { plural } from "./data.js";

/** One thumbnail or overlay image of a slide for {@link qcContactSheetFigure}. */
export interface QcSheetTile {
  slide_id: string;
  /** Image reference: a `data:image/png;base64,…` / `data:image/jpeg;base64,…` URI (self-contained SVG). */
  href: string;
  /** Image size in pixels (for the aspect ratio). */
  width: number;
  height: number;
  excluded: boolean;
  /** QC reason tokens shown under excluded slides. */
  reasons: string[];
}

/** Input of {@link qcContactSheetFigure}. */
export interface QcSheetInput {
  /** What the images are, e.g. "QC overlays (tissue in red)". */
  kind: string;
  tiles: QcSheetTile[];
  /** Images per row. @default 6 */
  columns?: number;
}

/**
 * QC contact sheet: slide thumbnails or overlays in a grid, each captioned with its slide id;
 * excluded slides are framed in vermillion with their QC reasons. Not in the registry (its input
 * is images, not a JSON file); apps call it directly.
 */
export function qcContactSheetFigure(input: QcSheetInput): string {
  const { columns = 6 } = input;
  const title = `${input.kind}: ${plural(input.tiles.length, "slide")}, ${input.tiles.filter((t) => t.excluded).length} excluded`;
  if (input.tiles.length === 0) return messageFigure({ id: "qc-sheet", title: input.kind }, "No data: 0 slide images.");
  const cell = 150;
  const rows = Math.ceil(input.tiles.length / columns);
  const fig = createFigure({ id: "qc-sheet", title, widthIn: (columns * cell + 32) / 96, heightIn: (rows * (cell + 34) + 70) / 96, margin: { left: 16, right: 16, top: 50, bottom: 10 } });
  const g = fig.plot.append("g").attr("class", "marks");
  input.tiles.forEach((t, i) => {
    const x = (i % columns) * cell;
    const y = Math.floor(i / columns) * (cell + 34);
    const s = Math.min((cell - 10) / Math.max(1, t.width), (cell - 10) / Math.max(1, t.height));
    const w = r2(t.width * s);
    const h = r2(t.height * s);
    const tile = g.append("g").attr("class", `mark tile${t.excluded ? " excluded" : ""}`).attr("data-slide", t.slide_id).attr("transform", `translate(${r2(x + (cell - w) / 2)},${r2(y)})`);
    tile.append("image").attr("href", t.href).attr("width", w).attr("height", h).attr("preserveAspectRatio", "xMidYMid meet");
    if (t.excluded) tile.append("rect").attr("width", w).attr("height", h).attr("fill", "none").attr("stroke", theme.threshold).attr("stroke-width", 3);
    const label = t.slide_id.length > 22 ? `${t.slide_id.slice(0, 21)}…` : t.slide_id;
    g.append("text").attr("x", r2(x + cell / 2)).attr("y", r2(y + h + 13)).attr("text-anchor", "middle").attr("font-size", 10).attr("fill", theme.ink).text(label);
    if (t.excluded) {
      g.append("text").attr("class", "reasons").attr("x", r2(x + cell / 2)).attr("y", r2(y + h + 26)).attr("text-anchor", "middle").attr("font-size", 9.5).attr("fill", theme.threshold).text(t.reasons.join("; ") || "excluded");
    }
  });
  return fig.toString();
}
