import type { Stage } from "../runner/stage";
import type { StageKind, StageName } from "../types";
import { missingApis } from "../ports/modules";

/** A stage whose package API is known (from its issue) but whose wiring in the app is not written yet. */
export function pendingStage(def: { name: StageName; nb: string; title: string; kind: StageKind; deps: StageName[]; needs: Record<string, readonly string[]> }): Stage {
  return {
    ...def,
    version: 0,
    settings: () => ({}),
    async unavailable() {
      const missing = await missingApis(def.needs);
      const pkgs = Object.entries(def.needs).map(([p, n]) => `@osfm/${p} (${n.join(", ")})`).join(", ");
      return missing ?? `the app's wiring to ${pkgs} is not written yet`;
    },
    async plan() {
      return { units: [], missing: 0, inputs: [] };
    },
    async runUnit() {
      throw new Error(`stage ${def.name} is not wired yet`);
    },
  };
}
