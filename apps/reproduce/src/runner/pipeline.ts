import { randomBytes } from "node:crypto";
import type { RunConfig } from "../config/schema";
import { resolveDataRoots } from "../datasets/registry";
import { errorLine, ReproduceError } from "../errors";
import { removeStaleTemps } from "../io/atomic";
import type { Reporter } from "../progress/reporter";
import type { StageName } from "../types";
import { Workspace } from "../workspace/layout";
import { captureEnvironment, updatePassport, type Passport, type StageRecord } from "../workspace/passport";
import { runStage } from "./run-stage";
import { selectStages } from "./select";
import type { Stage, StageContext } from "./stage";

/** Exit codes of `run`: 0 all good; 1 a stage failed; 2 a stage had no inputs; 3 a stage's package is not available. */
export const EXIT = { ok: 0, failed: 1, inputsMissing: 2, unavailable: 3 } as const;

const STATUS_EXIT: Record<StageRecord["status"], number> = {
  done: EXIT.ok,
  "not-applicable": EXIT.ok,
  failed: EXIT.failed,
  blocked: EXIT.failed,
  "inputs-missing": EXIT.inputsMissing,
  unavailable: EXIT.unavailable,
};

/** Result of {@link runPipeline}. */
export interface PipelineResult {
  records: StageRecord[];
  exitCode: number;
  workspace: Workspace;
}

/** A fresh run id: UTC time plus 4 random hex digits (shards started together still differ). */
export function newRunId(): string {
  return `${new Date().toISOString().replace(/[-:]/g, "").replace(/\..*/, "")}-${randomBytes(2).toString("hex")}`;
}

/** Builds the stage context for a config (shared by run, status and clean). */
export function createContext(config: RunConfig, reporter: Reporter, runId = newRunId()): StageContext {
  return {
    config,
    ws: new Workspace(config.workspace),
    roots: resolveDataRoots(config.data, { wsiRoot: config.wsiRoot, pandaRoot: config.pandaRoot }),
    reporter,
    runId,
  };
}

/** Appends a record to the passport (creating it with the environment on first use). */
export async function recordInPassport(ctx: StageContext, change: (p: Passport) => void): Promise<Passport> {
  return updatePassport(
    ctx.ws.passport,
    async () => ({ workspace: ctx.ws.root, dataRoot: ctx.config.data ?? null, environment: await captureEnvironment(ctx.ws.root), stages: [], runs: [] }),
    change,
  );
}

/**
 * Runs the selected stages in pipeline order. A stage whose dependency failed in this run is
 * "blocked"; independent stages (and the report) still run. Every stage leaves a passport record.
 */
export async function runPipeline(ctx: StageContext, registry: ReadonlyMap<StageName, Stage>): Promise<PipelineResult> {
  const names = selectStages(ctx.config.stages, ctx.config.from);
  await ctx.ws.create();
  const cleaned = await removeStaleTemps(ctx.ws.root);
  if (cleaned) ctx.reporter.info(`removed ${cleaned} temporary file(s) left by an interrupted run`);
  const records: StageRecord[] = [];
  const bad = new Set<StageName>();
  const notApplicable = new Set<StageName>();
  for (const name of names) {
    const stage = registry.get(name);
    if (!stage) throw new ReproduceError("unknown-stage", `stage ${name} is not registered`);
    const blockedBy = stage.deps.filter((d) => bad.has(d));
    let record: StageRecord;
    const shard = ctx.config.shard;
    if (shard && shard.count > 1 && stage.kind === "cohort" && name !== "env") {
      // Several shard processes must not train or write cohort tables at the same time.
      record = { stage: name, nb: stage.nb, runId: ctx.runId, shard: `${shard.index}/${shard.count}`, startedAt: new Date().toISOString(), seconds: 0, configHash: "", status: "not-applicable", inputs: [], outputs: [], counts: {}, message: "cohort stage: skipped in a shard process (run it once without --shard)" };
      ctx.reporter.stageEnd(record);
    } else if (blockedBy.length) {
      record = { stage: name, nb: stage.nb, runId: ctx.runId, shard: null, startedAt: new Date().toISOString(), seconds: 0, configHash: "", status: "blocked", inputs: [], outputs: [], counts: {}, message: `not run: ${blockedBy.join(", ")} did not finish` };
      ctx.reporter.stageEnd(record);
    } else {
      try {
        record = await runStage(ctx, stage, { upstreamNotApplicable: stage.deps.filter((d) => notApplicable.has(d)) });
      } catch (error) {
        record = { stage: name, nb: stage.nb, runId: ctx.runId, shard: null, startedAt: new Date().toISOString(), seconds: 0, configHash: "", status: "failed", inputs: [], outputs: [], counts: {}, message: errorLine(error) };
        ctx.reporter.stageEnd(record);
      }
    }
    if (record.status === "not-applicable") notApplicable.add(name);
    if (STATUS_EXIT[record.status] !== EXIT.ok) bad.add(name);
    records.push(record);
    await recordInPassport(ctx, (p) => p.stages.push(record));
  }
  const exitCode = records.map((r) => STATUS_EXIT[r.status]).find((c) => c !== EXIT.ok) ?? EXIT.ok;
  return { records, exitCode, workspace: ctx.ws };
}
