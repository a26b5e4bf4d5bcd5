/**
 * Contact sheet of every @osfm figure, for a person to look at.
 *
 *   node --conditions=@osfm/source --import tsx tooling/contact-sheet/render.ts --out /tmp/sheet [--workspace DIR] [--dpi 300]
 *
 * With --workspace (a reproduce workspace, e.g. the synthetic demo's) it renders every figure whose
 * input files exist there and lists the skipped ones; without it, it renders the package's built-in
 * example data. Writes <id>.png per figure, contact-sheet.png (all figures as thumbnails) and
 * index.html into --out. Nothing it writes belongs in git.
 */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { FIGURE_IDS, exampleInputs, figures, renderWorkspace, toPng, type FigureId, type WorkspaceFigure } from "@osfm/figures";

const { values } = parseArgs({ options: { workspace: { type: "string" }, out: { type: "string" }, dpi: { type: "string", default: "300" } } });
if (!values.out) {
  console.error("usage: render.ts --out DIR [--workspace DIR] [--dpi N]");
  process.exit(2);
}
const out = path.resolve(values.out);
const dpi = Number(values.dpi);

async function fromExamples(): Promise<WorkspaceFigure[]> {
  const ex = exampleInputs() as unknown as Record<string, unknown>;
  return FIGURE_IDS.map((id: FigureId) => {
    const d = figures.get(id);
    if (!d) throw new Error(`figure ${id} not registered`);
    const input = d.files.length === 1 ? ex[d.files[0] as string] : Object.fromEntries(d.files.map((k) => [k, ex[k]]));
    return { id, status: "rendered" as const, svg: d.render(input), files: [] };
  });
}

const results = values.workspace ? await renderWorkspace(path.resolve(values.workspace)) : await fromExamples();
await mkdir(out, { recursive: true });
const thumbs: Array<{ id: string; png: Uint8Array; w: number; h: number }> = [];
for (const r of results) {
  if (r.status !== "rendered") {
    console.log(`${r.status.padEnd(9)} ${r.id}: ${r.reason}`);
    continue;
  }
  await writeFile(path.join(out, `${r.id}.png`), toPng(r.svg, { dpi }));
  const w = Number(/width="([\d.]+)"/.exec(r.svg)?.[1] ?? 600);
  const h = Number(/height="([\d.]+)"/.exec(r.svg)?.[1] ?? 400);
  thumbs.push({ id: r.id, png: toPng(r.svg, { dpi: 48 }), w: w / 2, h: h / 2 });
  console.log(`rendered  ${r.id}`);
}

// One sheet: thumbnails in rows of 4, each cell 310 × 250 px.
const cols = 4;
const cw = 310;
const ch = 250;
const rows = Math.ceil(thumbs.length / cols);
const cells = thumbs.map((t, i) => {
  const s = Math.min((cw - 10) / t.w, (ch - 30) / t.h, 1);
  const x = (i % cols) * cw + 5;
  const y = Math.floor(i / cols) * ch + 22;
  const href = `data:image/png;base64,${Buffer.from(t.png).toString("base64")}`;
  return `<text x="${x}" y="${y - 6}" font-size="12">${t.id}</text><image x="${x}" y="${y}" width="${(t.w * s).toFixed(1)}" height="${(t.h * s).toFixed(1)}" href="${href}"/>`;
});
const sheet = `<svg xmlns="http://www.w3.org/2000/svg" width="${cols * cw}" height="${rows * ch}" font-family="DejaVu Sans"><rect width="100%" height="100%" fill="#fff"/>${cells.join("")}</svg>`;
await writeFile(path.join(out, "contact-sheet.png"), toPng(sheet, { dpi: 96 }));
const list = results.map((r) => (r.status === "rendered" ? `<figure><img src="${r.id}.png" width="640"><figcaption>${r.id}</figcaption></figure>` : `<p>${r.id}: ${r.status} (${r.reason})</p>`));
await writeFile(path.join(out, "index.html"), `<!doctype html><meta charset="utf-8"><title>@osfm figures</title>${list.join("\n")}`);
console.log(`${thumbs.length} figures → ${out} (contact-sheet.png, index.html)`);
