#!/usr/bin/env node
import { Command, InvalidArgumentError } from "commander";
import { INPUT_FILES } from "./inputs/files.js";
import { FIGURE_IDS, figures, type FigureId } from "./registry.js";
import { renderWorkspace } from "./workspace.js";
import { writeFigure } from "./write-figures.js";

function parseIds(value: string): FigureId[] {
  const ids = value.split(",").map((s) => s.trim()).filter(Boolean);
  for (const id of ids) {
    if (!(FIGURE_IDS as readonly string[]).includes(id)) throw new InvalidArgumentError(`unknown figure id "${id}" (known: ${FIGURE_IDS.join(", ")})`);
  }
  return ids as FigureId[];
}

function parseDpi(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`expected a positive number, got "${value}"`);
  return n;
}

const program = new Command("osfm-figures").description("Render the OpenSlideFM figures (SVG + 300-dpi PNG) from a reproduce workspace.");

program
  .command("render")
  .description("render every figure whose input files exist in the workspace; list the skipped ones and why")
  .requiredOption("--results <dir>", "reproduce workspace root (holds manifests/, qc/, tiles/, results/)")
  .requiredOption("--out <dir>", "output folder for <id>.svg and <id>.png")
  .option("--only <ids>", "comma-separated figure ids", parseIds)
  .option("--dpi <n>", "PNG resolution", parseDpi, 300)
  .option("--no-png", "write SVG only")
  .action(async (opts: { results: string; out: string; only?: FigureId[]; dpi: number; png: boolean }) => {
    const results = await renderWorkspace(opts.results, opts.only ? { ids: opts.only } : {});
    let invalid = 0;
    for (const r of results) {
      if (r.status === "rendered") {
        const written = await writeFigure(opts.out, r.id, r.svg, { dpi: opts.dpi, png: opts.png });
        console.log(`rendered  ${r.id.padEnd(18)} → ${written.join(", ")}`);
      }
    }
    for (const r of results) {
      if (r.status === "skipped") console.log(`skipped   ${r.id.padEnd(18)} ${r.reason}`);
      if (r.status === "invalid") {
        invalid += 1;
        console.error(`invalid   ${r.id.padEnd(18)} ${r.reason}`);
      }
    }
    const n = (s: string) => results.filter((r) => r.status === s).length;
    console.log(`${n("rendered")} rendered, ${n("skipped")} skipped, ${invalid} invalid`);
    if (invalid > 0) process.exitCode = 1;
  });

program
  .command("list")
  .description("list every figure id with the workspace files it reads")
  .action(() => {
    for (const d of figures.values()) {
      console.log(`${d.id.padEnd(18)} ${d.files.map((k) => INPUT_FILES[k].path).join(" + ")}  — ${d.description}`);
    }
  });

await program.parseAsync(process.argv);
