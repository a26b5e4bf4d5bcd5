import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { referenceDir, tempDir } from "../../test/helpers";
import { BackboneError } from "../errors";
import { createEncoder } from "./create-encoder";

const tiny = path.join(referenceDir, "tiny_encoder.onnx");
const ref = JSON.parse(readFileSync(path.join(referenceDir, "tiny_encoder_ref.json"), "utf8")) as {
  n: number;
  side: number;
  dim: number;
  features: number[];
};
const tmp = tempDir();
afterAll(() => tmp.cleanup());

function fixedTiles(n: number, side: number): Uint8Array {
  const t = new Uint8Array(n * side * side * 3);
  for (let i = 0; i < n; i++)
    for (let y = 0; y < side; y++)
      for (let x = 0; x < side; x++)
        for (let c = 0; c < 3; c++) t[((i * side + y) * side + x) * 3 + c] = (i * 37 + c * 11 + y * 5 + x * 3) % 256;
  return t;
}

describe("createEncoder with an ONNX file", () => {
  it("reads the input size from the model and matches torch within 1e-5 relative", async () => {
    const encoder = await createEncoder({ weights: tiny, threads: 1 });
    expect(encoder.inputSize).toBe(32);
    expect(encoder.dim).toBe(24);
    expect(encoder.backbone).toBe("onnx_tiny_encoder");
    expect(encoder.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(encoder.id).toBe(`onnx_tiny_encoder-${encoder.fingerprint.slice(0, 16)}`);
    const out = await encoder.encode(fixedTiles(ref.n, ref.side), ref.n);
    let maxRel = 0;
    const scale = Math.max(...ref.features.map(Math.abs));
    for (let i = 0; i < ref.features.length; i++) maxRel = Math.max(maxRel, Math.abs(out[i]! - ref.features[i]!) / scale);
    expect(maxRel).toBeLessThan(1e-5);
    await encoder.close();
  });

  it("rejects tiles of the wrong size with the expected layout in the message", async () => {
    const encoder = await createEncoder({ weights: tiny, threads: 1 });
    await expect(encoder.encode(new Uint8Array(224 * 224 * 3), 1)).rejects.toThrow(/expected 1 × 32 × 32 × 3 RGB/);
    await encoder.close();
  });

  it("rejects a model whose input is not an RGB image [batch, 3, H, W]", async () => {
    const bad = path.join(referenceDir, "wrong_input.onnx");
    const err = await createEncoder({ weights: bad }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackboneError);
    expect((err as BackboneError).code).toBe("BAD_MODEL");
    expect((err as Error).message).toContain("wrong_input.onnx");
    expect((err as Error).message).toMatch(/shape \[batch, 1, 28, 28\].*expected an RGB image input \[batch, 3, H, W\]/);
  });

  it("rejects a file that is not an ONNX model, naming it", async () => {
    const junk = path.join(tmp.dir, "junk.onnx");
    writeFileSync(junk, "not a model");
    await expect(createEncoder({ weights: junk })).rejects.toThrow(/junk\.onnx: onnxruntime cannot load the model/);
  });

  it("refuses a float16 request for a float32 model and an unknown weights format", async () => {
    await expect(createEncoder({ weights: tiny, dtype: "float16" })).rejects.toThrow(/input is float32, but dtype "float16"/);
    await expect(createEncoder({ weights: "w.pt" })).rejects.toThrow(/unknown weights format "\.pt"/);
    await expect(createEncoder({ weights: path.join(tmp.dir, "missing.onnx") })).rejects.toThrow(/missing\.onnx: cannot read weights/);
  });
});
