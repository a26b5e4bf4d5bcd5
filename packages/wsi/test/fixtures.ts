import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** Repository root (…/main), found from this file. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
/** The shared real-slide fixtures folder (beside the repo). */
export const fixturesDir = path.resolve(repoRoot, "../shared/fixtures/wsi");
/** Absolute path of a shared fixture. */
export const fixture = (name: string): string => path.join(fixturesDir, name);
/** True when the shared fixtures are present. */
export const haveFixtures = existsSync(fixturesDir);
