import type { Workspace } from "../workspace/layout";
import { outputsExist, type UnitMarker } from "./markers";
import type { Unit } from "./stage";
import { unitFingerprint } from "./fingerprint";

/** done = same fingerprint and outputs present; failed = failed with the same fingerprint; stale = done before with other inputs/config or outputs gone; pending = never done. */
export type UnitState = "done" | "failed" | "stale" | "pending";

/** Classifies each planned unit against its marker. */
export async function classifyUnits<U extends Unit>(
  ws: Workspace,
  configHash: string,
  units: U[],
  markers: Map<string, UnitMarker>,
): Promise<{ unit: U; state: UnitState; fingerprint: string }[]> {
  return Promise.all(
    units.map(async (unit) => {
      const fingerprint = unitFingerprint(configHash, unit);
      const m = markers.get(unit.id);
      let state: UnitState = "pending";
      if (m) {
        if (m.fingerprint !== fingerprint) state = "stale";
        else if (m.status === "failed") state = "failed";
        else state = (await outputsExist(ws, m)) ? "done" : "stale";
      }
      return { unit, state, fingerprint };
    }),
  );
}
