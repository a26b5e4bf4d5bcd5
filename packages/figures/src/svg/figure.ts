import { select, type Selection } from "d3";
import { parseHTML } from "linkedom";
import { SVG_PX_PER_INCH, theme } from "../theme.js";

/** A d3 selection of an SVG element built on linkedom's server-side DOM. */
export type Sel<E extends Element = Element> = Selection<E, unknown, null, undefined>;

/** Size and margins of a figure. */
export interface FigureLayout {
  /** Figure width in inches. @default theme.widthIn (6.5) */
  widthIn?: number;
  /** Figure height in inches. @default theme.heightIn (4.5) */
  heightIn?: number;
  /** Margins around the plot area in SVG px. @default theme.margin */
  margin?: Partial<{ top: number; right: number; bottom: number; left: number }>;
}

/** What every figure starts from: an id, a title that says what is plotted, an optional subtitle. */
export interface FigureHeader extends FigureLayout {
  /** Registry id, written as `data-figure` on the root element. */
  id: string;
  title: string;
  subtitle?: string;
}

/** A plot area: a group translated to its top-left corner, its size and the margins around it. */
export interface Panel {
  plot: Sel<SVGGElement>;
  /** Plot-area size in SVG px. */
  width: number;
  height: number;
  margin: { top: number; right: number; bottom: number; left: number };
}

/** A figure being drawn: the root SVG, the plot group (translated by the margins) and its inner size. */
export interface Figure extends Panel {
  svg: Sel<SVGSVGElement>;
  /** Full size in SVG px. */
  outerWidth: number;
  outerHeight: number;
  /** Adds a line of small text under the plot (missing values, data source…). */
  note(text: string): void;
  /** Serialises the figure to a standalone SVG document string. */
  toString(): string;
}

/** Splits `text` at spaces into lines of at most `maxChars` characters (a long word stays whole). */
export function wrapText(text: string, maxChars: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line && line.length + 1 + word.length > maxChars) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  lines.push(line);
  return lines;
}

/** Rounds a coordinate to 2 decimals so SVGs stay small and byte-stable. */
export function r2(v: number): number {
  return Math.round(v * 100) / 100;
}

/**
 * Creates an empty figure with its title (and subtitle) drawn, on a fresh linkedom document.
 * Everything is deterministic: same header → same bytes.
 */
export function createFigure(header: FigureHeader): Figure {
  const widthIn = header.widthIn ?? theme.widthIn;
  const heightIn = header.heightIn ?? theme.heightIn;
  const margin = { ...theme.margin, ...header.margin };
  if (header.subtitle) margin.top = Math.max(margin.top, 70);
  const outerWidth = r2(widthIn * SVG_PX_PER_INCH);
  const outerHeight = r2(heightIn * SVG_PX_PER_INCH);
  const { document } = parseHTML("<!DOCTYPE html><html><body></body></html>");
  const svg = select(document.body as unknown as Element)
    .append("svg")
    .attr("xmlns", "http://www.w3.org/2000/svg")
    .attr("width", outerWidth)
    .attr("height", outerHeight)
    .attr("viewBox", `0 0 ${outerWidth} ${outerHeight}`)
    .attr("font-family", theme.fontFamily)
    .attr("font-size", theme.fontSize)
    .attr("color", theme.ink)
    .attr("data-figure", header.id) as unknown as Sel<SVGSVGElement>;
  svg.append("rect").attr("class", "background").attr("width", outerWidth).attr("height", outerHeight).attr("fill", "#ffffff");
  const lines = wrapText(header.title, (outerWidth - 24) / (theme.titleSize * 0.66));
  const title = svg
    .append("text")
    .attr("class", "title")
    .attr("x", r2(outerWidth / 2))
    .attr("y", 24)
    .attr("text-anchor", "middle")
    .attr("font-size", theme.titleSize)
    .attr("font-weight", "bold")
    .attr("fill", theme.ink);
  lines.forEach((line, i) => {
    title.append("tspan").attr("x", r2(outerWidth / 2)).attr("dy", i === 0 ? 0 : 19).text(i < lines.length - 1 ? `${line} ` : line);
  });
  const extra = 19 * (lines.length - 1);
  margin.top += extra;
  if (header.subtitle) {
    svg
      .append("text")
      .attr("class", "subtitle")
      .attr("x", r2(outerWidth / 2))
      .attr("y", 43 + extra)
      .attr("text-anchor", "middle")
      .attr("font-size", theme.subtitleSize)
      .attr("fill", theme.muted)
      .text(header.subtitle);
  }
  const width = r2(outerWidth - margin.left - margin.right);
  const height = r2(outerHeight - margin.top - margin.bottom);
  const plot = svg
    .append("g")
    .attr("class", "plot")
    .attr("transform", `translate(${margin.left},${margin.top})`) as unknown as Sel<SVGGElement>;
  const notes: string[] = [];
  let finalised = false;
  const finalise = () => {
    if (finalised || notes.length === 0) return;
    finalised = true;
    const extra = 15 * notes.length;
    const h = r2(outerHeight + extra);
    svg.attr("height", h).attr("viewBox", `0 0 ${outerWidth} ${h}`);
    svg.select("rect.background").attr("height", h);
    const g = svg.append("g").attr("class", "notes");
    notes.forEach((text, i) => {
      g.append("text")
        .attr("class", "note")
        .attr("x", 10)
        .attr("y", r2(outerHeight + 11 + 15 * i))
        .attr("font-size", theme.subtitleSize - 1)
        .attr("fill", theme.muted)
        .text(text);
    });
  };
  return {
    svg,
    plot,
    outerWidth,
    outerHeight,
    width,
    height,
    margin,
    note(text: string) {
      notes.push(text);
    },
    toString() {
      finalise();
      return (svg.node() as unknown as { outerHTML: string }).outerHTML;
    },
  };
}

/**
 * Splits a figure's plot area into `n` side-by-side panels separated by `gap` px (each gets the
 * figure's left margin as its own left margin for the y-axis label).
 */
export function splitPanels(fig: Figure, n: number, gap = fig.margin.left): Panel[] {
  const w = r2((fig.width - gap * (n - 1)) / n);
  return Array.from({ length: n }, (_, i) => ({
    plot: fig.plot
      .append("g")
      .attr("class", `panel panel-${i}`)
      .attr("transform", `translate(${r2(i * (w + gap))},0)`) as unknown as Sel<SVGGElement>,
    width: w,
    height: fig.height,
    margin: { ...fig.margin, left: i === 0 ? fig.margin.left : gap },
  }));
}
