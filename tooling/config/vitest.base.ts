import { defaultServerConditions } from "vite";
import { defineConfig, type ViteUserConfig } from "vitest/config";

/** Tests run against the sources of every workspace package (the `@osfm/source` export condition). */
const conditions = ["@osfm/source", ...defaultServerConditions];

/**
 * The test setup every @osfm package shares. Results are also written to `reports/vitest.json`,
 * which `.ci/run` sums into its closing `N passed, N failed` line.
 */
export function packageTestConfig(overrides: ViteUserConfig["test"] = {}) {
  return defineConfig({
    resolve: { conditions },
    ssr: { resolve: { conditions, externalConditions: ["@osfm/source"] } },
    test: {
      include: ["src/**/*.test.ts", "test/**/*.test.ts"],
      reporters: ["default", ["json", { outputFile: "reports/vitest.json" }]],
      testTimeout: 120_000,
      hookTimeout: 120_000,
      pool: "forks",
      passWithNoTests: true,
      ...overrides,
    },
  });
}
