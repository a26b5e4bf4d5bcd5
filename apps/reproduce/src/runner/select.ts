import { ReproduceError } from "../errors";
import { isStageName, STAGE_NAMES, type StageName } from "../types";

/** The stages to run, in pipeline order: `--stages` (any order given, run in pipeline order), from `--from` on. */
export function selectStages(stages: readonly string[] | undefined, from: string | undefined): StageName[] {
  for (const s of [...(stages ?? []), ...(from ? [from] : [])])
    if (!isStageName(s)) throw new ReproduceError("unknown-stage", `unknown stage "${s}"; stages are: ${STAGE_NAMES.join(", ")}`);
  let selected: StageName[] = stages?.length ? STAGE_NAMES.filter((s) => stages.includes(s)) : [...STAGE_NAMES];
  if (from) selected = selected.filter((s) => STAGE_NAMES.indexOf(s) >= STAGE_NAMES.indexOf(from as StageName));
  if (selected.length === 0) throw new ReproduceError("unknown-stage", `no stage selected (--stages ${stages?.join(",") ?? "(all)"} --from ${from})`);
  return selected;
}
