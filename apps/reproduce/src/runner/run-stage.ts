import { dirname } from "node:path";
import { errorLine, NotApplicableError, ReproduceError } from "../errors";
import { hashValue } from "../io/hash";
import type { StageRecord } from "../workspace/passport";
import { classifyUnits } from "./classify";
import { writeFailuresCsv } from "./failures";
import { stageConfigHash } from "./fingerprint";
import { FINAL_UNIT, outputsExist, readStageMarkers, writeMarker, type UnitMarker } from "./markers";
import type { Stage, StageContext, Unit } from "./stage";

function summariseOutputs(outputs: string[]): string[] {
  if (outputs.length <= 12) return [...new Set(outputs)].sort();
  return [...new Set(outputs.map((o) => `${dirname(o)}/`))].sort();
}

/**
 * Runs one stage: plans its units, skips those done with the same fingerprint (and says so), redoes
 * stale ones, records per-slide failures without stopping, runs the cohort step when unsharded, and
 * returns the passport record. A cohort stage whose unit throws ends with status "failed".
 */
export async function runStage(ctx: StageContext, stage: Stage, options: { upstreamNotApplicable?: readonly string[] } = {}): Promise<StageRecord> {
  const t0 = Date.now();
  const configHash = stageConfigHash(stage, ctx.config);
  const shard = ctx.config.shard;
  const base = { stage: stage.name, nb: stage.nb, runId: ctx.runId, shard: shard ? `${shard.index}/${shard.count}` : null, startedAt: new Date(t0).toISOString(), configHash };
  const finish = (status: StageRecord["status"], extra: Partial<StageRecord> = {}): StageRecord => {
    const record: StageRecord = { ...base, seconds: (Date.now() - t0) / 1000, status, inputs: [], outputs: [], counts: {}, ...extra };
    ctx.reporter.stageEnd(record);
    return record;
  };
  const why = await stage.unavailable?.();
  if (why) return finish("unavailable", { message: why });
  const plan = await stage.plan(ctx);
  if (plan.notApplicable) return finish("not-applicable", { inputs: plan.inputs, message: plan.notApplicable });
  const naUp = options.upstreamNotApplicable ?? [];
  if (plan.units.length === 0 && plan.missing > 0 && naUp.length)
    return finish("not-applicable", { inputs: plan.inputs, message: `${naUp.join(", ")} not applicable to this cohort, so neither is ${stage.name}` });
  if (plan.units.length === 0 && plan.missing > 0)
    return finish("inputs-missing", { inputs: plan.inputs, counts: { missing: plan.missing }, message: `all inputs are missing: ${plan.missingReason ?? "run the upstream stages first"}` });
  const markers = await readStageMarkers(ctx.ws, stage.name);
  const classified = await classifyUnits(ctx.ws, configHash, plan.units, markers);
  const retry = ctx.config.retryFailed;
  const todo = classified.filter((c) => c.state === "pending" || c.state === "stale" || (retry && c.state === "failed"));
  const counts: Record<string, number> = {
    units: plan.units.length,
    skipped: classified.filter((c) => c.state === "done").length,
    stale: classified.filter((c) => c.state === "stale").length,
    failedBefore: retry ? 0 : classified.filter((c) => c.state === "failed").length,
    ran: 0,
    failed: 0,
    missing: plan.missing,
  };
  ctx.reporter.stageStart({ stage: stage.name, ...(stage.rateCount ? { rateCount: stage.rateCount } : {}), nb: stage.nb, title: stage.title, todo: todo.length, skipped: counts.skipped!, stale: counts.stale!, failedBefore: counts.failedBefore!, missing: plan.missing });
  const outputs: string[] = [];
  for (const { unit, fingerprint } of todo) {
    const started = Date.now();
    const marker: UnitMarker = { stage: stage.name, unit: unit.id, fingerprint, status: "done", outputs: [], counts: {}, seconds: 0, finishedAt: "", ...(unit.slidePath ? { slidePath: unit.slidePath } : {}) };
    try {
      const result = await stage.runUnit(ctx, unit, () => {});
      Object.assign(marker, { outputs: result.outputs, counts: result.counts ?? {}, ...(result.row ? { row: result.row } : {}) });
      counts.ran!++;
      for (const [k, v] of Object.entries(result.counts ?? {})) counts[k] = (counts[k] ?? 0) + v;
      outputs.push(...result.outputs);
    } catch (error) {
      if (error instanceof NotApplicableError) return finish("not-applicable", { inputs: plan.inputs, counts, message: error.message });
      if (stage.kind === "cohort" || error instanceof ReproduceError) {
        const message = errorLine(error);
        return finish("failed", { inputs: plan.inputs, counts, message, outputs: summariseOutputs(outputs) });
      }
      Object.assign(marker, { status: "failed", error: errorLine(error) });
      counts.failed!++;
    }
    marker.seconds = (Date.now() - started) / 1000;
    marker.finishedAt = new Date().toISOString();
    await writeMarker(ctx.ws, marker);
    ctx.reporter.unitDone(stage.name, unit.id, marker.status, marker.counts, marker.error);
  }
  if (stage.kind === "slide") {
    const failures = await writeFailuresCsv(ctx.ws);
    if (counts.failed) ctx.reporter.warn(`${stage.name}: ${counts.failed} slide(s) failed; see ${ctx.ws.failuresCsv} (${failures} failure(s) in total)`);
  }
  if (stage.finalize && (!shard || shard.count === 1)) {
    const finalOutputs = await runFinalize(ctx, stage, configHash, plan.units);
    outputs.push(...finalOutputs);
  }
  return finish("done", { inputs: plan.inputs, counts, outputs: summariseOutputs(outputs) });
}

async function runFinalize(ctx: StageContext, stage: Stage, configHash: string, units: Unit[]): Promise<string[]> {
  const markers = await readStageMarkers(ctx.ws, stage.name);
  const ids = new Set(units.map((u) => u.id));
  const mine = new Map([...markers].filter(([id]) => ids.has(id)));
  const fingerprint = hashValue({ configHash, units: [...mine.values()].map((m) => [m.unit, m.fingerprint, m.status]).sort() });
  const previous = markers.get(FINAL_UNIT);
  if (previous && previous.fingerprint === fingerprint && previous.status === "done" && (await outputsExist(ctx.ws, previous))) {
    ctx.reporter.info(`[${stage.name}] cohort table up to date (skipped)`);
    return [];
  }
  const started = Date.now();
  const result = await stage.finalize!(ctx, mine);
  await writeMarker(ctx.ws, {
    stage: stage.name,
    unit: FINAL_UNIT,
    fingerprint,
    status: "done",
    outputs: result.outputs,
    counts: result.counts ?? {},
    seconds: (Date.now() - started) / 1000,
    finishedAt: new Date().toISOString(),
  });
  return result.outputs;
}
