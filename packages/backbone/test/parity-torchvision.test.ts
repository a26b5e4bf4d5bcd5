// Full ConvNeXt-Tiny parity with torchvision. Needs torch, which Debian's python has on the dev machine but
// CI does not install: there the test is skipped (the reduced-ConvNeXt test in src/convnext covers the same
// code path against committed reference values). The 110 MB weights are generated into a temp dir, never committed.
import { execFileSync } from "node:child_process";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createEncoder } from "../src/encoder/create-encoder";
import { maxRelativeError, PYTHON, pythonHas, referenceDir, referenceTiles, tempDir } from "./helpers";

const hasTorch = pythonHas("torch") && pythonHas("torchvision");
const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe.skipIf(!hasTorch)("ConvNeXt-Tiny vs torchvision convnext_tiny (skipped: Debian python has no torch/torchvision here)", () => {
  it("same random weights exported by torch: features within 1e-4 relative, timm names identical", async () => {
    const out = execFileSync(PYTHON, [path.join(referenceDir, "convnext_reference.py"), "tiny", tmp.dir], { encoding: "utf8", maxBuffer: 1 << 26 });
    const ref = JSON.parse(out.trim().split("\n").pop()!) as { tiles: number; side: number; featureParameters: number; features: number[] };
    expect(ref.featureParameters).toBe(27_818_592);
    const tiles = referenceTiles(ref.tiles, ref.side);
    const tv = await createEncoder({ weights: path.join(tmp.dir, "convnext_tiny.safetensors"), threads: 2 });
    const ours = await tv.encode(tiles, ref.tiles);
    await tv.close();
    expect(tv.dim).toBe(768);
    // Tolerance: max |ours − torch| / max |torch| ≤ 1e-4 (float32 both sides).
    const err = maxRelativeError(ours, ref.features);
    expect(err).toBeLessThan(1e-4);
    const timm = await createEncoder({ weights: path.join(tmp.dir, "convnext_tiny_timm.safetensors"), threads: 2 });
    expect(Array.from(await timm.encode(tiles, ref.tiles))).toEqual(Array.from(ours));
    await timm.close();
  }, 300_000);
});
