import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import sharp from "sharp";
import { afterAll, describe, expect, it } from "vitest";
import { openSlide } from "../src/index";
import { fixture, haveFixtures } from "./fixtures";

const run = promisify(execFile);
const cli = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../src/cli.ts");
const osfmWsi = (...args: string[]) => run(process.execPath, ["--conditions=@osfm/source", "--import", "tsx", cli, ...args], { encoding: "utf8" });
const dir = mkdtempSync(path.join(tmpdir(), "osfm-wsi-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!haveFixtures)("osfm-wsi CLI", () => {
  const svs = fixture("aperio_CMU-1-Small-Region.svs");

  it("info --json prints the slide's metadata", async () => {
    const { stdout } = await osfmWsi("info", svs, "--json");
    const info = JSON.parse(stdout) as { vendor: string; levels: { width: number }[]; mpp: { x: number }; associatedImages: string[] };
    expect(info.vendor).toBe("aperio");
    expect(info.levels[0]?.width).toBe(2220);
    expect(info.mpp.x).toBe(0.499);
    expect(info.associatedImages).toEqual(["label", "macro", "thumbnail"]);
  });

  it("region writes the same pixels readRegion returns, as PNG", async () => {
    const out = path.join(dir, "r.png");
    await osfmWsi("region", svs, "--x", "1000", "--y", "1400", "--level", "0", "--size", "64x48", "-o", out);
    const png = await sharp(out).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    expect([png.info.width, png.info.height]).toEqual([64, 48]);
    const slide = await openSlide(svs);
    const want = await slide.readRegion({ x: 1000, y: 1400, level: 0, width: 64, height: 48 });
    await slide.close();
    expect(Buffer.compare(png.data, Buffer.from(want.data))).toBe(0);
  });

  it("thumb keeps the aspect ratio within --max; bad input exits non-zero with the error code", async () => {
    const out = path.join(dir, "t.png");
    await osfmWsi("thumb", svs, "--max", "200", "-o", out);
    const meta = await sharp(out).metadata();
    expect([meta.width, meta.height]).toEqual([150, 200]);
    const err = await osfmWsi("info", fixture("bad_broken_not_tiff.svs")).catch((e: { code: number; stderr: string }) => e);
    expect(err).toMatchObject({ code: 1 });
    expect((err as { stderr: string }).stderr).toContain("UNSUPPORTED_FORMAT");
  });
});
