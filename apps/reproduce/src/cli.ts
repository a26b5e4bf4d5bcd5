#!/usr/bin/env node
import { relaunchWithHugePages } from "@osfm/nn";
import { Command, Option } from "commander";
import { cleanCommand, runCommand, slurmCommand, statusCommand, type Io } from "./cli-commands";
import { ReproduceError } from "./errors";
import { STAGE_NAMES } from "./types";

const io: Io = { out: process.stdout, err: process.stderr };

function common(cmd: Command): Command {
  return cmd
    .option("--data <dir>", "data folder laid out like the original (Raw Data/TCGA, …, Validation Data/PANDA)")
    .option("--workspace <dir>", "workspace folder (env WORKSPACE; default ./workspace)")
    .option("--config <file>", "JSON config file (validated)")
    .option("--demo", "use the synthetic demo cohort (default when no --data)")
    .addOption(new Option("--preset <name>", "demo cohort preset").choices(["tiny", "demo", "bench"]))
    .option("--seed <n>", "global seed (default 1337)")
    .option("--paper-compat", "reproduce the original's quirks where cheap (SPEC Part A)")
    .option("--json-log", "one JSON object per line instead of text");
}

async function main(): Promise<number> {
  let code = 0;
  const program = new Command("osfm-reproduce")
    .description(`The OpenSlideFM pipeline (NB01–NB13) as one resumable command.\nStages: ${STAGE_NAMES.join(", ")}`)
    .showHelpAfterError();
  common(program.command("run").description("run the pipeline (or --stages a,b / --from X)"))
    .option("--stages <list>", "comma-separated stages to run (pipeline order is kept)")
    .option("--from <stage>", "run from this stage to the end")
    .option("--shard <i/n>", "only this deterministic 1/n of the slides in per-slide stages")
    .option("--retry-failed", "retry slides that failed before with the same inputs")
    .option("--assume-mpp <um>", "µm/px for slides whose files declare none")
    .option("--quiet", "only warnings, failures and the final lines")
    .action(async (flags) => {
      // training runs ≈ 10 % faster with glibc's huge-page malloc, which only a fresh process can get
      // (OSFM_HUGE_PAGES=0: stay in this process)
      const relaunched = await relaunchWithHugePages();
      code = relaunched ?? (await runCommand(flags, io));
    });
  common(program.command("status").description("per stage: done / stale / pending, with counts")).action(async (flags) => {
    code = await statusCommand(flags, io);
  });
  common(program.command("clean").description("remove a stage's outputs so it runs again"))
    .requiredOption("--stage <name>", "the stage to clean")
    .action(async (flags) => {
      code = await cleanCommand(flags, io);
    });
  common(program.command("slurm").description("write an sbatch job-array script (one shard per array task)"))
    .option("--stages <list>", "stages to submit (default: all)")
    .option("--from <stage>", "submit from this stage on")
    .option("--tasks <n>", "array tasks = shards for per-slide stages", "4")
    .option("--out <file>", "script path (default <workspace>/slurm/submit.sh)")
    .option("--sbatch <options>", 'sbatch options, e.g. "--partition=cpu --time=48:00:00"')
    .action(async (flags) => {
      code = await slurmCommand(flags, io);
    });
  await program.parseAsync(process.argv);
  return code;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof ReproduceError) {
      process.stderr.write(`osfm-reproduce: ${error.message}\n`);
      process.exitCode = error.code === "stage-unavailable" ? 3 : error.code === "inputs-missing" ? 2 : 1;
    } else {
      process.stderr.write(`osfm-reproduce: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 1;
    }
  },
);
