import { mkdir, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { toPng, type ToPngOptions } from "./png.js";

/** Writes `data` to `file` atomically (temp file in the same folder, then rename). */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}-${Date.now()}`;
  await writeFile(tmp, data);
  await rename(tmp, file);
}

/** Options of {@link writeFigure}. */
export interface WriteFigureOptions extends ToPngOptions {
  /** Also write `<id>.png`. @default true */
  png?: boolean;
}

/** Writes `<outDir>/<id>.svg` and (by default) `<outDir>/<id>.png` atomically; returns the paths written. */
export async function writeFigure(outDir: string, id: string, svg: string, options: WriteFigureOptions = {}): Promise<string[]> {
  const { png = true, ...pngOptions } = options;
  const svgPath = path.join(outDir, `${id}.svg`);
  await writeFileAtomic(svgPath, svg);
  if (!png) return [svgPath];
  const pngPath = path.join(outDir, `${id}.png`);
  await writeFileAtomic(pngPath, toPng(svg, pngOptions));
  return [svgPath, pngPath];
}
