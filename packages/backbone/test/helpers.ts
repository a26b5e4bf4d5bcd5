import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** Debian's interpreter: sees numpy, PIL, h5py (and torch on the dev machine, not in CI). */
export const PYTHON = "/usr/bin/python3";

export const packageRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const repoRoot = path.resolve(packageRoot, "../..");
export const referenceDir = path.join(repoRoot, "tooling/reference/backbone");
export const fixturesDir = path.resolve(repoRoot, "../shared/fixtures/wsi");
/** True when the shared real-slide fixtures sit beside the repository (tests that need them skip otherwise). */
export const haveFixtures = existsSync(fixturesDir);

/** Runs Python code with Debian's interpreter and parses the last line it prints as JSON. */
export function python<T>(code: string, args: string[] = []): T {
  const out = execFileSync(PYTHON, ["-c", code, ...args], { encoding: "utf8", maxBuffer: 1 << 28 });
  const lines = out.trim().split("\n");
  return JSON.parse(lines[lines.length - 1] ?? "null") as T;
}

/** True when Debian's interpreter can import `module` (torch exists on the dev machine only). */
export function pythonHas(module: string): boolean {
  try {
    execFileSync(PYTHON, ["-c", `import ${module}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** A fresh temporary directory and a function that removes it. */
export function tempDir(prefix = "osfm-backbone-"): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Deterministic bytes (xorshift32) for synthetic tiles. */
export function seededBytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    out[i] = s & 0xff;
  }
  return out;
}

/** Smooth synthetic H&E-like RGB image (`side × side × 3`), so resampling sees structure, not noise. */
export function smoothImage(width: number, height: number, seed: number): Uint8Array {
  const noise = seededBytes(width * height * 3, seed);
  const out = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      const wave = 0.5 + 0.5 * Math.sin(x / 9 + seed) * Math.cos(y / 13 - seed);
      out[i] = Math.round(150 + 90 * wave + (noise[i]! % 16)) & 0xff;
      out[i + 1] = Math.round(60 + 120 * (1 - wave) + (noise[i + 1]! % 32)) & 0xff;
      out[i + 2] = Math.round(120 + 100 * wave + (noise[i + 2]! % 24)) & 0xff;
    }
  }
  return out;
}

/** Tile i of the ConvNeXt reference (tooling/reference/backbone/convnext_reference.py `tile_bytes`), HWC RGB. */
export function referenceTile(i: number, side = 224): Uint8Array {
  const out = new Uint8Array(side * side * 3);
  for (let y = 0; y < side; y++)
    for (let x = 0; x < side; x++)
      for (let c = 0; c < 3; c++) out[(y * side + x) * 3 + c] = ((x * 3 + y * 5 + c * 11 + i * 37) ^ ((x * y) % 29)) & 255;
  return out;
}

/** `n` reference tiles back to back. */
export function referenceTiles(n: number, side = 224): Uint8Array {
  const out = new Uint8Array(n * side * side * 3);
  for (let i = 0; i < n; i++) out.set(referenceTile(i, side), i * side * side * 3);
  return out;
}

/** max |a − b| / max |b|: error relative to the scale of the reference features. */
export function maxRelativeError(ours: ArrayLike<number>, reference: ArrayLike<number>): number {
  let scale = 0;
  let err = 0;
  for (let i = 0; i < reference.length; i++) {
    scale = Math.max(scale, Math.abs(reference[i]!));
    err = Math.max(err, Math.abs(ours[i]! - reference[i]!));
  }
  return err / scale;
}

/** Writes float32 tensors as a safetensors file (for bad-weights tests). */
export function safetensorsBytes(tensors: ReadonlyMap<string, { shape: readonly number[]; data: Float32Array }>): Uint8Array {
  const header: Record<string, unknown> = {};
  let offset = 0;
  for (const [name, t] of tensors) {
    header[name] = { dtype: "F32", shape: t.shape, data_offsets: [offset, offset + t.data.byteLength] };
    offset += t.data.byteLength;
  }
  let json = JSON.stringify(header);
  json += " ".repeat((8 - (json.length % 8)) % 8);
  const head = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + head.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(head.length), true);
  out.set(head, 8);
  let p = 8 + head.length;
  for (const t of tensors.values()) {
    out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), p);
    p += t.data.byteLength;
  }
  return out;
}

/** A regular grid of tiling rows over a `width × height` level-0 area (level 0, 256 px reads, stride 224). */
export function gridRows(slideId: string, width: number, height: number, scaleUmPerPx = 0.5, step = 224, size = 256) {
  const rows: { slideId: string; scaleUmPerPx: number; level: number; x: number; y: number; readSizePx: number }[] = [];
  for (let y = 0; y + size <= height; y += step) for (let x = 0; x + size <= width; x += step) rows.push({ slideId, scaleUmPerPx, level: 0, x, y, readSizePx: size });
  return rows;
}
