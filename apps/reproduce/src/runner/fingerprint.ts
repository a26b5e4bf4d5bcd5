import type { RunConfig } from "../config/schema";
import { hashValue } from "../io/hash";
import type { Stage, Unit } from "./stage";

/** Hash of the config a stage depends on (recorded in the passport). */
export function stageConfigHash(stage: Stage, config: RunConfig): string {
  return hashValue({ stage: stage.name, version: stage.version, settings: stage.settings(config) });
}

/** A unit's fingerprint: its stage's config hash and its inputs. Equal fingerprint = same work, skippable. */
export function unitFingerprint(configHash: string, unit: Unit): string {
  return hashValue({ configHash, unit: unit.id, inputs: unit.inputs });
}
