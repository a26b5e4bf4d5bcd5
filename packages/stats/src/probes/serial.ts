import { StatsInputError } from "../validate";

/** Common header of every serialised probe. */
export interface ProbeJSON<T extends string> {
  type: T;
  version: 1;
}

/** Checks the type name, version and required fields of a serialised probe. */
export function checkModel<J>(json: unknown, type: string, fields: string[]): J {
  if (typeof json !== "object" || json === null) throw new StatsInputError(`${type}.load: expected an object, got ${typeof json}`, "BAD_MODEL");
  const o = json as Record<string, unknown>;
  if (o.type !== type) throw new StatsInputError(`${type}.load: expected type "${type}", got "${String(o.type)}"`, "BAD_MODEL");
  if (o.version !== 1) throw new StatsInputError(`${type}.load: unsupported version ${String(o.version)} (expected 1)`, "BAD_MODEL");
  for (const f of fields) if (!(f in o)) throw new StatsInputError(`${type}.load: missing field "${f}"`, "BAD_MODEL");
  return json as J;
}
