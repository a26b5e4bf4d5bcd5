import { defineConfig, type Options } from "tsup";

/**
 * The build every @osfm package shares: ESM for Node 20, one bundled `.d.ts` for the public entry.
 * `entry` lists the files to emit; the first one is the package's public API.
 */
export function packageBuildConfig(entry: string[] = ["src/index.ts"], overrides: Options = {}) {
  return defineConfig({
    entry,
    format: ["esm"],
    platform: "node",
    target: "node20",
    dts: { entry: entry[0] ?? "src/index.ts" },
    sourcemap: true,
    clean: true,
    splitting: true,
    treeshake: true,
    ...overrides,
  });
}
