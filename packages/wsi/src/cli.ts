#!/usr/bin/env node
import { writeFile, rename } from "node:fs/promises";
import { parseArgs } from "node:util";
import sharp from "sharp";
import { WsiError } from "./errors";
import { openSlide } from "./open";
import type { RgbaImage, Slide } from "./types";

const usage = `osfm-wsi — read whole-slide images with OpenSlide semantics

Usage:
  osfm-wsi info <slide> [--json]
  osfm-wsi region <slide> --x <px> --y <px> [--level <n>] --size <W>x<H> -o <out.png>
  osfm-wsi thumb <slide> [--max <px>] -o <thumb.png>

x and y are level-0 pixels; --size is in pixels of --level (default 0); --max defaults to 1024.`;

/** Writes a PNG atomically (temp file, then rename). */
async function writePng(image: RgbaImage, out: string): Promise<void> {
  const png = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 4 } }).png().toBuffer();
  const tmp = `${out}.${process.pid}.tmp`;
  await writeFile(tmp, png);
  await rename(tmp, out);
}

function info(slide: Slide): Record<string, unknown> {
  return {
    path: slide.path,
    vendor: slide.vendor,
    levels: slide.levels,
    mpp: slide.mpp ?? null,
    objectivePower: slide.objectivePower ?? null,
    associatedImages: slide.associatedImageNames,
    properties: slide.properties,
  };
}

function int(value: string | undefined, name: string): number {
  const n = Number(value);
  if (value === undefined || !Number.isInteger(n)) throw new UsageError(`--${name} must be an integer (got ${value ?? "nothing"})`);
  return n;
}

class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: "boolean" },
      x: { type: "string" },
      y: { type: "string" },
      level: { type: "string" },
      size: { type: "string" },
      max: { type: "string" },
      out: { type: "string", short: "o" },
      help: { type: "boolean", short: "h" },
    },
  });
  const [command, path] = positionals;
  if (values.help || command === undefined) {
    process.stdout.write(`${usage}\n`);
    return command === undefined && !values.help ? 2 : 0;
  }
  if (path === undefined) throw new UsageError(`${command}: missing <slide>`);
  const slide = await openSlide(path);
  try {
    if (command === "info") {
      const data = info(slide);
      if (values.json) {
        process.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
      } else {
        process.stdout.write(`${slide.path}\nvendor: ${slide.vendor}\n`);
        slide.levels.forEach((l, i) => process.stdout.write(`level ${i}: ${l.width}x${l.height} downsample ${l.downsample} tile ${l.tileWidth}x${l.tileHeight}\n`));
        process.stdout.write(`mpp: ${slide.mpp ? `${slide.mpp.x} x ${slide.mpp.y} µm/px` : "unknown"}\nobjective power: ${slide.objectivePower ?? "unknown"}\n`);
        process.stdout.write(`associated images: ${slide.associatedImageNames.join(", ") || "none"}\n`);
      }
      return 0;
    }
    if (command === "region") {
      const m = /^(\d+)x(\d+)$/.exec(values.size ?? "");
      if (m === null) throw new UsageError("--size must look like 512x512");
      if (values.out === undefined) throw new UsageError("region: -o <out.png> is required");
      const image = await slide.readRegion({
        x: int(values.x, "x"),
        y: int(values.y, "y"),
        level: values.level === undefined ? 0 : int(values.level, "level"),
        width: Number(m[1]),
        height: Number(m[2]),
      });
      await writePng(image, values.out);
      return 0;
    }
    if (command === "thumb") {
      if (values.out === undefined) throw new UsageError("thumb: -o <thumb.png> is required");
      const image = await slide.thumbnail({ maxSize: values.max === undefined ? 1024 : int(values.max, "max") });
      await writePng(image, values.out);
      return 0;
    }
    throw new UsageError(`unknown command "${command}"`);
  } finally {
    await slide.close();
  }
}

// Output piped into a command that exits early (e.g. `| head`) is not an error.
process.stdout.on("error", (err: NodeJS.ErrnoException) => {
  if (err.code === "EPIPE") process.exit(0);
  throw err;
});

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err: unknown) => {
    if (err instanceof UsageError) process.stderr.write(`osfm-wsi: ${err.message}\n\n${usage}\n`);
    else if (err instanceof WsiError) process.stderr.write(`osfm-wsi: ${err.code}: ${err.message}\n`);
    else process.stderr.write(`osfm-wsi: ${(err as Error)?.message ?? String(err)}\n`);
    process.exitCode = err instanceof UsageError ? 2 : 1;
  },
);
