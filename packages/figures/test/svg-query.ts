import { parseHTML } from "linkedom";

/** Parses an SVG string into its root element (test helper). */
export function parseSvg(svg: string): Element {
  const { document } = parseHTML(`<!DOCTYPE html><html><body>${svg}</body></html>`);
  const root = document.querySelector("svg");
  if (!root) throw new Error("no <svg> root");
  return root as unknown as Element;
}

/** Text content of the first element matching `selector`, or undefined. */
export function text(root: Element, selector: string): string | undefined {
  return root.querySelector(selector)?.textContent ?? undefined;
}

/** Every text content of elements matching `selector`. */
export function texts(root: Element, selector: string): string[] {
  return [...root.querySelectorAll(selector)].map((e) => e.textContent ?? "");
}

/** Elements matching `selector`. */
export function all(root: Element, selector: string): Element[] {
  return [...root.querySelectorAll(selector)];
}

/** Numeric attribute of an element. */
export function num(e: Element | null | undefined, attr: string): number {
  if (!e) throw new Error(`no element for attribute ${attr}`);
  return Number(e.getAttribute(attr));
}

/** The `data-domain` of an axis ("x" or "y"), as strings. */
export function domain(root: Element, axis: "x" | "y", scope = ""): string[] {
  const g = root.querySelector(`${scope} g.axis.${axis}`.trim());
  return (g?.getAttribute("data-domain") ?? "").split("|");
}

/** Plot-area width from the root size and the plot group's translate (for position checks). */
export function plotBox(root: Element): { left: number; top: number } {
  const t = root.querySelector("g.plot")?.getAttribute("transform") ?? "";
  const m = /translate\(([-\d.]+),([-\d.]+)\)/.exec(t);
  return { left: Number(m?.[1]), top: Number(m?.[2]) };
}

/** Width, height and dpi (from pHYs) of a PNG. */
export function pngInfo(png: Uint8Array): { width: number; height: number; dpi: number | undefined } {
  const dv = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const width = dv.getUint32(16);
  const height = dv.getUint32(20);
  let off = 8;
  let dpi: number | undefined;
  while (off < png.length) {
    const len = dv.getUint32(off);
    const type = String.fromCharCode(...png.subarray(off + 4, off + 8));
    if (type === "pHYs") dpi = Math.round(dv.getUint32(off + 8) * 0.0254);
    off += 12 + len;
  }
  return { width, height, dpi };
}
