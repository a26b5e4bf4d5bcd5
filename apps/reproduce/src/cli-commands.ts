import { chmod } from "node:fs/promises";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { loadConfig, type CliFlags } from "./config/load";
import { ensureDemoData } from "./demo";
import { ReproduceError } from "./errors";
import { writeFileAtomic } from "./io/atomic";
import { createReporter, type Sink } from "./progress/reporter";
import { cleanStage } from "./runner/clean";
import { createContext, EXIT, recordInPassport, runPipeline } from "./runner/pipeline";
import { selectStages } from "./runner/select";
import { formatStatus, stageStatuses } from "./runner/status";
import { sbatchScript } from "./slurm/script";
import { createStageRegistry } from "./stages/registry";
import { isStageName } from "./types";
import { formatBytes, formatSeconds, peakRssBytes } from "./util/memory";

/** Streams the commands write to (process.stdout/stderr in the CLI, buffers in tests). */
export interface Io {
  out: Sink;
  err: Sink;
}

/** `run`: the pipeline; ends with the report path, total time and peak memory (also in the passport). */
export async function runCommand(flags: CliFlags, io: Io, argv: string[] = process.argv): Promise<number> {
  const t0 = Date.now();
  const config = await loadConfig(flags);
  const reporter = createReporter(io.out, { quiet: config.quiet, jsonLog: config.jsonLog });
  const ctx = createContext(config, reporter);
  await ctx.ws.create();
  await ensureDemoData(config, reporter);
  const result = await runPipeline(ctx, createStageRegistry());
  const seconds = (Date.now() - t0) / 1000;
  const peak = peakRssBytes();
  await recordInPassport(ctx, (p) =>
    p.runs.push({ runId: ctx.runId, command: argv.slice(2).join(" "), startedAt: new Date(t0).toISOString(), seconds, peakRssBytes: peak, exitCode: result.exitCode, demo: config.demo }),
  );
  const problems = result.records.filter((r) => !["done", "not-applicable"].includes(r.status));
  if (problems.length) io.out.write(`\n${problems.length} stage(s) did not finish: ${problems.map((r) => `${r.stage} (${r.status})`).join(", ")}\n`);
  if (result.records.some((r) => r.stage === "report" && r.status === "done")) io.out.write(`report: ${ctx.ws.reportHtml}\n`);
  io.out.write(`time: ${formatSeconds(seconds)} · peak memory: ${formatBytes(peak)} (recorded in ${ctx.ws.passport})\n`);
  return result.exitCode;
}

/** `status`: done / stale / pending per stage, with counts. */
export async function statusCommand(flags: CliFlags, io: Io): Promise<number> {
  // Without --data this looks at the demo workspace (nothing is synthesized by status).
  const config = await loadConfig(flags);
  const ctx = createContext(config, createReporter({ write: () => true }, { quiet: true }));
  const statuses = await stageStatuses(ctx, createStageRegistry());
  io.out.write(config.jsonLog ? `${JSON.stringify(statuses)}\n` : `workspace ${config.workspace}\n${formatStatus(statuses)}\n`);
  return EXIT.ok;
}

/** `clean --stage X`: removes a stage's outputs and markers. */
export async function cleanCommand(flags: CliFlags & { stage?: string }, io: Io): Promise<number> {
  if (!flags.stage || !isStageName(flags.stage)) throw new ReproduceError("unknown-stage", `clean needs --stage <name>; got ${flags.stage ?? "nothing"}`);
  const config = await loadConfig(flags);
  const ctx = createContext(config, createReporter(io.out));
  const removed = await cleanStage(ctx.ws, flags.stage);
  io.out.write(`clean ${flags.stage}: removed ${removed} output(s) and its markers in ${config.workspace}\n`);
  return EXIT.ok;
}

/** `slurm --stages … --tasks N [--out file]`: writes the sbatch submission script. */
export async function slurmCommand(flags: CliFlags & { tasks?: string; out?: string; sbatch?: string }, io: Io): Promise<number> {
  const tasks = Number(flags.tasks ?? 4);
  if (!Number.isInteger(tasks) || tasks < 1) throw new ReproduceError("config", `--tasks must be a positive integer, got ${flags.tasks}`);
  const config = await loadConfig({ ...flags, stages: undefined, from: undefined });
  const stages = selectStages(flags.stages?.split(",").map((s) => s.trim()), flags.from);
  const cli = fileURLToPath(new URL("./cli.js", import.meta.url));
  const runFlags = ["--workspace", config.workspace, ...(config.data && !config.demo ? ["--data", config.data] : []), ...(config.demo ? ["--demo", "--preset", config.demoPreset] : []), "--seed", String(config.seed), ...(flags.config ? ["--config", resolve(flags.config)] : []), ...(config.paperCompat ? ["--paper-compat"] : [])];
  const script = sbatchScript(
    { stages, tasks, command: [process.execPath, cli.endsWith(".ts") ? cli.replace(/src\/cli\.ts$/, "dist/cli.js") : cli], runFlags, logDir: resolve(config.workspace, "logs", "slurm"), ...(flags.sbatch ? { sbatchOptions: flags.sbatch.split(" ").filter(Boolean) } : {}) },
    createStageRegistry(),
  );
  const out = resolve(flags.out ?? resolve(config.workspace, "slurm", "submit.sh"));
  await writeFileAtomic(out, script);
  await chmod(out, 0o755);
  io.out.write(`wrote ${out}: ${tasks} shard(s); submit with: bash ${out}\n`);
  return EXIT.ok;
}
