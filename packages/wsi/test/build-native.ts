import { execFileSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/**
 * vitest global setup: (re)builds the native JPEG addon when it is missing or older than its sources,
 * so the tests never run a stale binary, whatever turbo's build cache restored (it keeps `dist/` only).
 * Never fails: without a compiler the build script warns and the sharp path is tested.
 */
export default function setup(): void {
  if (process.env.OSFM_WSI_NATIVE === "0") return;
  const binary = path.join(packageDir, "build/Release/osfm_jpeg.node");
  const sources = ["binding.gyp", "native/jpeg_decode.c"].map((f) => path.join(packageDir, f));
  const built = existsSync(binary) ? statSync(binary).mtimeMs : 0;
  if (sources.every((s) => statSync(s).mtimeMs <= built)) return;
  execFileSync(process.execPath, [path.join(packageDir, "native/build.mjs")], { stdio: "inherit" });
}
