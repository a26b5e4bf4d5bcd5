import { extent, interpolateViridis, scaleLinear } from "d3";
import type { UmapFigureInput } from "../inputs/types.js";
import { createFigure, r2, type Panel, type Sel } from "../svg/figure.js";
import { drawLegend } from "../svg/legend.js";
import { drawMarker } from "../svg/marker.js";
import { messageFigure } from "../svg/message.js";
import { categoryColour, categoryShape, theme } from "../theme.js";
import { fmt, isFiniteNumber, plural } from "./data.js";
import { umapLayout, type UmapOptions } from "./umap.js";

function panel(fig: ReturnType<typeof createFigure>, x: number, w: number, title: string, cls: string): Panel {
  const g = fig.plot.append("g").attr("class", `panel ${cls}`).attr("transform", `translate(${r2(x)},0)`) as unknown as Sel<SVGGElement>;
  g.append("rect").attr("width", r2(w)).attr("height", fig.height).attr("fill", "none").attr("stroke", theme.gridColour);
  g.append("text").attr("class", "panel-title").attr("x", r2(w / 2)).attr("y", -8).attr("text-anchor", "middle").attr("fill", theme.ink).text(title);
  return { plot: g, width: w, height: fig.height, margin: fig.margin };
}

/**
 * `supp1`: UMAP of patient-mean embeddings, left coloured by class (colour + shape), right by the
 * maximum OOF probability (viridis). Confidence is joined to points **by patient id**, so the two
 * panels show the same patient at the same place whatever the order of the two files.
 */
export function supp1Figure(input: UmapFigureInput, options: UmapOptions = {}): string {
  const header = { id: "supp1", title: "TCGA patient embeddings (UMAP): cancer type and out-of-fold confidence", widthIn: 12, heightIn: 6.2 };
  const all = input.embeddings.patients;
  if (all.length === 0) return messageFigure(header, "No data: 0 patients in the embeddings file.");
  const dims = all[0]?.embedding.length ?? 0;
  const usable = all.filter((p) => p.embedding.length === dims && dims > 0 && p.embedding.every(isFiniteNumber));
  const bad = all.length - usable.length;
  if (usable.length < 3) {
    return messageFigure(header, `Only ${plural(usable.length, "patient")} with a complete embedding: UMAP needs at least 3.`, bad > 0 ? [`${bad} embedding(s) contain NaN/null or have the wrong length`] : []);
  }
  const classes = [...new Set(usable.map((p) => p.class))].sort();
  if (classes.length === 1) {
    return messageFigure(header, `A single class (${classes[0]}): colouring by cancer type shows nothing.`, ["Supp 1 needs at least 2 classes."]);
  }
  const confidence = new Map<string, number | null>();
  for (const c of input.confidence.patients) confidence.set(c.patient_id, c.confidence);
  const coords = umapLayout(usable.map((p) => p.embedding as number[]), options);
  const legendW = Math.ceil(classes.length / 22) * 110;
  const fig = createFigure({ ...header, margin: { left: 24, right: 80, top: 70, bottom: 24 } });
  const w = (fig.width - legendW - 40) / 2;
  const left = panel(fig, 0, w, "coloured by cancer type", "by-class");
  const right = panel(fig, w + legendW + 40, w, "coloured by max OOF probability", "by-confidence");
  const [x0, x1] = extent(coords, (c) => c[0]) as [number, number];
  const [y0, y1] = extent(coords, (c) => c[1]) as [number, number];
  const x = scaleLinear().domain([x0, x1 === x0 ? x0 + 1 : x1]).range([8, w - 8]);
  const y = scaleLinear().domain([y0, y1 === y0 ? y0 + 1 : y1]).range([fig.height - 8, 8]);
  const classIndex = new Map(classes.map((c, i) => [c, i]));
  const gA = left.plot.append("g").attr("class", "marks");
  const gB = right.plot.append("g").attr("class", "marks");
  let noConf = 0;
  usable.forEach((p, i) => {
    const [ux, uy] = coords[i] as [number, number];
    const k = classIndex.get(p.class) ?? 0;
    drawMarker(gA, x(ux), y(uy), categoryShape(k), 3, categoryColour(k)).attr("class", "mark point").attr("data-patient", p.patient_id).attr("data-class", p.class).attr("fill-opacity", 0.8);
    const conf = confidence.get(p.patient_id);
    if (!isFiniteNumber(conf)) noConf += 1;
    gB.append("circle").attr("class", "mark point").attr("data-patient", p.patient_id).attr("data-confidence", isFiniteNumber(conf) ? String(conf) : "NaN")
      .attr("cx", r2(x(ux))).attr("cy", r2(y(uy))).attr("r", 3).attr("fill", isFiniteNumber(conf) ? interpolateViridis(Math.max(0, Math.min(1, conf))) : "#bbbbbb").attr("fill-opacity", 0.85);
  });
  drawLegend({ ...left, width: legendW }, classes.map((c, k) => ({ label: c, colour: categoryColour(k), swatch: "marker" as const, shape: categoryShape(k) })), { x: w + 16, y: 0, perColumn: 22, columnWidth: 110 });
  const cb = right.plot.append("g").attr("class", "colour-bar").attr("data-domain", "0|1").attr("transform", `translate(${r2(w + 14)},0)`);
  const cy = scaleLinear().domain([0, 1]).range([fig.height, 0]);
  for (let i = 0; i < 50; i++) {
    cb.append("rect").attr("y", r2(cy((i + 1) / 50))).attr("width", 12).attr("height", r2(fig.height / 50 + 0.5)).attr("fill", interpolateViridis((i + 0.5) / 50));
  }
  for (const t of [0, 0.5, 1]) cb.append("text").attr("x", 16).attr("y", r2(cy(t) + 4)).attr("font-size", theme.tickSize - 1).attr("fill", theme.ink).text(fmt(t, 1));
  cb.append("text").attr("transform", `translate(52,${r2(fig.height / 2)}) rotate(-90)`).attr("text-anchor", "middle").attr("font-size", theme.tickSize - 1).attr("fill", theme.ink).text("max OOF probability");
  const { nNeighbors = 30, minDist = 0.3, seed = 42 } = options;
  fig.note(`n = ${usable.length} patients, ${classes.length} classes; UMAP cosine, n_neighbors ${Math.min(nNeighbors, usable.length - 1)}, min_dist ${minDist}, seed ${seed}; axes are arbitrary UMAP units`);
  if (bad > 0) fig.note(`${plural(bad, "patient")} left out: embedding contains NaN/null or has the wrong length`);
  if (noConf > 0) fig.note(`${plural(noConf, "patient")} without an OOF confidence (missing id or NaN/null): grey in the right panel`);
  const ids = new Set(usable.map((p) => p.patient_id));
  const orphan = input.confidence.patients.filter((c) => !ids.has(c.patient_id)).length;
  if (orphan > 0) fig.note(`${plural(orphan, "confidence row")} whose patient id has no usable embedding: ignored`);
  return fig.toString();
}
