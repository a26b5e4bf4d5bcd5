import { theme, type MarkerShape } from "../theme.js";
import { r2, type Panel, type Sel } from "./figure.js";
import { drawMarker } from "./marker.js";

/** One legend entry: a swatch (filled box, line or marker) and its label. */
export interface LegendEntry {
  label: string;
  colour: string;
  /** @default "box" */
  swatch?: "box" | "line" | "dashed" | "marker";
  /** Marker shape when `swatch` is "marker". @default "circle" */
  shape?: MarkerShape;
}

/** Legend placement options. */
export interface LegendOptions {
  /** Top-left corner in plot px. @default top-right inside the plot */
  x?: number;
  y?: number;
  /** Entries per column before wrapping. @default 12 */
  perColumn?: number;
  /** Column width in px. @default 150 */
  columnWidth?: number;
}

/** Draws a legend group (`g.legend`) whose entries are `g.legend-entry` with their label text. */
export function drawLegend(fig: Panel, entries: LegendEntry[], options: LegendOptions = {}): Sel<SVGGElement> {
  const { perColumn = 12, columnWidth = 150 } = options;
  const columns = Math.ceil(entries.length / perColumn);
  const x0 = options.x ?? fig.width - columns * columnWidth;
  const y0 = options.y ?? 4;
  const g = fig.plot.append("g").attr("class", "legend").attr("transform", `translate(${r2(x0)},${r2(y0)})`);
  entries.forEach((e, i) => {
    const col = Math.floor(i / perColumn);
    const row = i % perColumn;
    const item = g
      .append("g")
      .attr("class", "legend-entry")
      .attr("transform", `translate(${col * columnWidth},${row * 17})`);
    const swatch = e.swatch ?? "box";
    if (swatch === "box") item.append("rect").attr("width", 12).attr("height", 12).attr("fill", e.colour);
    else if (swatch === "marker") drawMarker(item, 6, 6, e.shape ?? "circle", 4, e.colour);
    else {
      const l = item.append("line").attr("x1", 0).attr("x2", 16).attr("y1", 6).attr("y2", 6).attr("stroke", e.colour).attr("stroke-width", 2);
      if (swatch === "dashed") l.attr("stroke-dasharray", theme.dash);
    }
    item
      .append("text")
      .attr("x", swatch === "box" || swatch === "marker" ? 17 : 21)
      .attr("y", 10)
      .attr("font-size", theme.tickSize)
      .attr("fill", theme.ink)
      .text(e.label);
  });
  return g as unknown as Sel<SVGGElement>;
}
