import { readFileSync } from "node:fs";
import path from "node:path";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { testTempDir } from "../../../tooling/config/test-temp-dir";
import { hsvPlanes } from "../src/hsv";
import { rng } from "./support/he-image";
import { runQcReference } from "./support/reference";

describe("PIL-exact HSV and gray", () => {
  it("matches Pillow's convert('HSV') and convert('L') on 65,536 random colours (exact)", async () => {
    const width = 256;
    const height = 256;
    const r = rng(7);
    const data = new Uint8Array(width * height * 4);
    for (let i = 0; i < data.length; i++) data[i] = i % 4 === 3 ? 255 : Math.floor(r() * 256);
    // a few edge cases: grays, pure primaries, hue wrap-around
    data.set([255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255, 128, 128, 128, 255, 255, 0, 1, 255], 0);
    const dir = testTempDir("qc-hsv-");
    const png = path.join(dir, "colours.png");
    await sharp(Buffer.from(data), { raw: { width, height, channels: 4 } }).png().toFile(png);
    runQcReference(["--image", png, "--planes-out", path.join(dir, "ref")]);
    const refHsv = readFileSync(path.join(dir, "ref_hsv.bin"));
    const refL = readFileSync(path.join(dir, "ref_l.bin"));
    const ours = hsvPlanes({ width, height, data });
    let mismatches = 0;
    for (let p = 0; p < width * height; p++) {
      if (ours.h[p] !== refHsv[p * 3] || ours.s[p] !== refHsv[p * 3 + 1] || ours.v[p] !== refHsv[p * 3 + 2]) mismatches++;
      if (ours.gray[p] !== refL[p]) mismatches++;
    }
    expect(mismatches).toBe(0);
  });
});
