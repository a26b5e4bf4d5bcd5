import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The @osfm packages the app drives, in data-flow order. */
export const OSFM_PACKAGES = ["wsi", "synth", "qc", "tiling", "nn", "backbone", "mil", "byol-mfr", "stats", "figures"] as const;

/**
 * Version of an installed package, found by walking up from this file through `node_modules`
 * (works from the sources and from dist, inside the monorepo or installed elsewhere); undefined if absent.
 */
export function installedVersion(name: string, from: string = dirname(fileURLToPath(import.meta.url))): string | undefined {
  let dir = from;
  for (;;) {
    const candidate = join(dir, "node_modules", name, "package.json");
    if (existsSync(candidate)) {
      try {
        return (JSON.parse(readFileSync(candidate, "utf8")) as { version?: string }).version;
      } catch {
        return undefined;
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}
