import { errorLine } from "../errors";
import type { StageName } from "../types";
import { STAGE_NAMES } from "../types";
import { classifyUnits } from "./classify";
import { stageConfigHash } from "./fingerprint";
import { FINAL_UNIT, readStageMarkers } from "./markers";
import type { Stage, StageContext } from "./stage";

/** The state of one stage, as `status` prints it. */
export interface StageStatus {
  stage: StageName;
  nb: string;
  state: "done" | "stale" | "pending" | "unavailable" | "not-applicable";
  counts: { done: number; stale: number; pending: number; failed: number; waiting: number };
  detail?: string;
}

/**
 * done = every unit done with the current inputs and config (and the cohort table built);
 * stale = some unit was done with other inputs/config; pending = something left to do.
 */
export async function stageStatuses(ctx: StageContext, registry: ReadonlyMap<StageName, Stage>): Promise<StageStatus[]> {
  const out: StageStatus[] = [];
  for (const name of STAGE_NAMES) {
    const stage = registry.get(name);
    if (!stage) continue;
    const counts = { done: 0, stale: 0, pending: 0, failed: 0, waiting: 0 };
    const why = await stage.unavailable?.();
    if (why) {
      out.push({ stage: name, nb: stage.nb, state: "unavailable", counts, detail: why });
      continue;
    }
    let plan;
    try {
      plan = await stage.plan(ctx);
    } catch (error) {
      out.push({ stage: name, nb: stage.nb, state: "pending", counts, detail: errorLine(error) });
      continue;
    }
    if (plan.notApplicable) {
      out.push({ stage: name, nb: stage.nb, state: "not-applicable", counts, detail: plan.notApplicable });
      continue;
    }
    const markers = await readStageMarkers(ctx.ws, name);
    const configHash = stageConfigHash(stage, ctx.config);
    for (const c of await classifyUnits(ctx.ws, configHash, plan.units, markers)) {
      if (c.state === "done") counts.done++;
      else if (c.state === "failed") counts.failed++;
      else if (c.state === "stale") counts.stale++;
      else counts.pending++;
    }
    counts.waiting = plan.missing;
    const finalMissing = stage.finalize && plan.units.length > 0 && !markers.has(FINAL_UNIT);
    const state: StageStatus["state"] = name === "report" ? (counts.done + counts.stale > 0 ? "done" : "pending") : counts.stale ? "stale" : counts.pending || counts.waiting || finalMissing || plan.units.length === 0 ? "pending" : "done";
    const detail = name === "report" ? "rebuilt on every run" : plan.missingReason;
    out.push({ stage: name, nb: stage.nb, state, counts, ...(detail ? { detail } : {}) });
  }
  return out;
}

/** One line per stage: `qc  NB03  done   done 10 · stale 0 · pending 0 · failed 1`. */
export function formatStatus(statuses: StageStatus[]): string {
  return statuses
    .map((s) => {
      const c = s.counts;
      const counts = s.state === "unavailable" || s.state === "not-applicable" ? "" : `done ${c.done} · stale ${c.stale} · pending ${c.pending} · failed ${c.failed}${c.waiting ? ` · waiting for inputs ${c.waiting}` : ""}`;
      return `${s.stage.padEnd(20)} ${s.nb.padEnd(13)} ${s.state.padEnd(14)} ${counts}${s.detail ? `${counts ? "  " : ""}(${s.detail})` : ""}`;
    })
    .join("\n");
}
