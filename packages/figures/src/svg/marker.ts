import type { MarkerShape } from "../theme.js";
import { r2, type Sel } from "./figure.js";

/** Draws one point marker of `shape` centred at (x, y) with half-size `r`; returns the element. */
export function drawMarker<E extends Element>(parent: Sel<E>, x: number, y: number, shape: MarkerShape, r: number, fill: string): Sel {
  const cx = r2(x);
  const cy = r2(y);
  if (shape === "circle") return parent.append("circle").attr("cx", cx).attr("cy", cy).attr("r", r).attr("fill", fill) as unknown as Sel;
  const pts: Record<Exclude<MarkerShape, "circle">, Array<[number, number]>> = {
    square: [[-r, -r], [r, -r], [r, r], [-r, r]],
    triangle: [[0, -r * 1.2], [r * 1.1, r * 0.8], [-r * 1.1, r * 0.8]],
    diamond: [[0, -r * 1.3], [r * 1.1, 0], [0, r * 1.3], [-r * 1.1, 0]],
  };
  const d = pts[shape].map(([dx, dy]) => `${r2(cx + dx)},${r2(cy + dy)}`).join(" ");
  return parent.append("polygon").attr("points", d).attr("fill", fill) as unknown as Sel;
}
