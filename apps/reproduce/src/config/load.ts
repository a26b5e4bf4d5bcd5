import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { z } from "zod";
import { ReproduceError } from "../errors";
import { isStageName, STAGE_NAMES, type StageName } from "../types";
import { DEMO_SETTINGS, mergeSettings } from "./presets";
import { configFileSchema, runConfigSchema, type ConfigFile, type RunConfig } from "./schema";

/** Command-line flags of `run` (and `status`/`clean`), before validation. */
export interface CliFlags {
  data?: string;
  workspace?: string;
  config?: string;
  stages?: string;
  from?: string;
  demo?: boolean;
  preset?: string;
  paperCompat?: boolean;
  seed?: string | number;
  shard?: string;
  quiet?: boolean;
  jsonLog?: boolean;
  retryFailed?: boolean;
  assumeMpp?: string | number;
}

function formatIssues(error: z.ZodError, where: string): string {
  const lines = error.issues.map((i) => `  ${i.path.length ? i.path.join(".") : "(root)"}: ${i.message}`);
  return `invalid configuration in ${where}:\n${lines.join("\n")}`;
}

/** Parses `i/n` into a shard, or throws a config error naming the flag. */
export function parseShard(text: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!m) throw new ReproduceError("config", `--shard expects i/n (e.g. 0/3), got "${text}"`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || index >= count) throw new ReproduceError("config", `--shard ${text}: need 0 ≤ i < n`);
  return { index, count };
}

async function readConfigFile(path: string): Promise<ConfigFile> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (cause) {
    throw new ReproduceError("config", `cannot read config file ${path}`, { path, cause });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new ReproduceError("config", `config file ${path} is not valid JSON: ${(cause as Error).message}`, { path });
  }
  const parsed = configFileSchema.safeParse(json);
  if (!parsed.success) throw new ReproduceError("config", formatIssues(parsed.error, path), { path });
  return parsed.data;
}

/**
 * Resolves the run configuration: schema defaults < demo preset < config file < environment
 * (`WORKSPACE`, `WSI_ROOT`, `PANDA_ROOT`) < command-line flags. `--demo` is the default when no data
 * folder is given. Throws a {@link ReproduceError} listing every invalid field.
 */
export async function loadConfig(flags: CliFlags, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Promise<RunConfig> {
  const file = flags.config ? await readConfigFile(resolve(cwd, flags.config)) : {};
  const data = flags.data ?? file.data;
  const demo = flags.demo ?? file.demo ?? data === undefined;
  const demoPreset = (flags.preset ?? file.demoPreset ?? "demo") as RunConfig["demoPreset"];
  const workspace = resolve(cwd, flags.workspace ?? env.WORKSPACE ?? file.workspace ?? "./workspace");
  let settings: unknown = demo ? DEMO_SETTINGS[demoPreset] ?? {} : {};
  settings = mergeSettings(settings, file.settings ?? {});
  if (flags.assumeMpp !== undefined) settings = mergeSettings(settings, { tiling: { assumeMpp: Number(flags.assumeMpp) } });
  const stages = flags.stages ? flags.stages.split(",").map((s) => s.trim()).filter(Boolean) : file.stages;
  for (const s of [...(stages ?? []), ...(flags.from ? [flags.from] : [])])
    if (!isStageName(s)) throw new ReproduceError("unknown-stage", `unknown stage "${s}"; stages are: ${STAGE_NAMES.join(", ")}`);
  const candidate = {
    data: data === undefined ? (demo ? resolve(workspace, "demo-data") : undefined) : resolve(cwd, data),
    workspace,
    wsiRoot: env.WSI_ROOT ? resolve(cwd, env.WSI_ROOT) : file.wsiRoot ? resolve(cwd, file.wsiRoot) : undefined,
    pandaRoot: env.PANDA_ROOT ? resolve(cwd, env.PANDA_ROOT) : file.pandaRoot ? resolve(cwd, file.pandaRoot) : undefined,
    demo,
    demoPreset,
    stages: stages as StageName[] | undefined,
    from: (flags.from ?? file.from) as StageName | undefined,
    paperCompat: flags.paperCompat ?? file.paperCompat ?? false,
    seed: flags.seed !== undefined ? Number(flags.seed) : file.seed ?? 1337,
    retryFailed: flags.retryFailed ?? file.retryFailed ?? false,
    shard: flags.shard ? parseShard(flags.shard) : undefined,
    quiet: flags.quiet ?? false,
    jsonLog: flags.jsonLog ?? false,
    settings,
  };
  const parsed = runConfigSchema.safeParse(candidate);
  if (!parsed.success) throw new ReproduceError("config", formatIssues(parsed.error, flags.config ?? "flags/environment"));
  return parsed.data;
}
