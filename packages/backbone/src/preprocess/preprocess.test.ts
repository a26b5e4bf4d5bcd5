import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { python, seededBytes, smoothImage, tempDir } from "../../test/helpers";
import { IMAGENET_NORMALIZATION, tilesToTensor } from "./normalize";
import { resizeBilinearPil } from "./pil-bilinear";

const tmp = tempDir();
afterAll(() => tmp.cleanup());

function pilResize(img: Uint8Array, w: number, h: number, ow: number, oh: number): Uint8Array {
  const inFile = path.join(tmp.dir, `in-${w}x${h}.bin`);
  const outFile = path.join(tmp.dir, `out-${w}x${h}-${ow}x${oh}.bin`);
  writeFileSync(inFile, img);
  python(
    `import sys,json,numpy as np
from PIL import Image
w,h,ow,oh=map(int,sys.argv[3:7])
a=np.fromfile(sys.argv[1],dtype=np.uint8).reshape(h,w,3)
Image.fromarray(a,'RGB').resize((ow,oh),Image.BILINEAR).tobytes()
open(sys.argv[2],'wb').write(Image.fromarray(a,'RGB').resize((ow,oh),Image.BILINEAR).tobytes())
print(json.dumps(True))`,
    [inFile, outFile, String(w), String(h), String(ow), String(oh)],
  );
  return new Uint8Array(readFileSync(outFile));
}

describe("resizeBilinearPil", () => {
  // Tolerance: none. Pillow's fixed-point arithmetic is reproduced bit for bit.
  const cases: [number, number, number, number][] = [
    [256, 256, 224, 224], // the original's tile → encoder size
    [512, 512, 224, 224], // a 2× larger read
    [200, 180, 224, 224], // upsampling, non-square
    [97, 311, 224, 50],
  ];
  for (const [w, h, ow, oh] of cases) {
    it(`matches Pillow byte for byte: ${w}×${h} → ${ow}×${oh}`, () => {
      const img = w === 256 ? smoothImage(w, h, 3) : seededBytes(w * h * 3, w * 7 + h);
      const ours = resizeBilinearPil(img, w, h, 3, ow, oh);
      const pil = pilResize(img, w, h, ow, oh);
      expect(ours.length).toBe(pil.length);
      let diff = 0;
      for (let i = 0; i < ours.length; i++) if (ours[i] !== pil[i]) diff++;
      expect(diff).toBe(0);
    });
  }

  it("rejects a buffer of the wrong length", () => {
    expect(() => resizeBilinearPil(new Uint8Array(10), 4, 4, 3, 2, 2)).toThrow(/expected 4×4×3/);
  });
});

describe("tilesToTensor", () => {
  it("equals numpy float32 ToTensor + Normalize exactly, in NCHW order", () => {
    const n = 2;
    const side = 8;
    const tiles = seededBytes(n * side * side * 3, 99);
    const ours = tilesToTensor(tiles, n, side);
    const file = path.join(tmp.dir, "tiles.bin");
    writeFileSync(file, tiles);
    const ref = python<number[]>(
      `import sys,json,numpy as np
a=np.fromfile(sys.argv[1],dtype=np.uint8).reshape(2,8,8,3).transpose(0,3,1,2).astype(np.float32)/np.float32(255)
m=np.array(${JSON.stringify(IMAGENET_NORMALIZATION.mean)},dtype=np.float32).reshape(1,3,1,1)
s=np.array(${JSON.stringify(IMAGENET_NORMALIZATION.std)},dtype=np.float32).reshape(1,3,1,1)
print(json.dumps(((a-m)/s).astype(np.float32).ravel().tolist()))`,
      [file],
    );
    expect(ours.length).toBe(ref.length);
    for (let i = 0; i < ref.length; i++) expect(ours[i]).toBe(Math.fround(ref[i]!));
  });
});
