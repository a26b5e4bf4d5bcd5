import { statfs } from "node:fs/promises";
import { readFile } from "node:fs/promises";
import { cpus, hostname, platform, release, totalmem } from "node:os";
import { writeJsonAtomic } from "../io/atomic";
import { withLock } from "../io/lock";
import { OSFM_PACKAGES, installedVersion } from "../util/packages";

/** The machine and software a run used (the original's "compute passport", for Node). */
export interface Environment {
  capturedAt: string;
  host: string;
  platform: string;
  node: string;
  onnxruntime: string | null;
  /** GLIBC_TUNABLES the process ran with (huge-page malloc when `run` relaunched itself), or null. */
  glibcTunables: string | null;
  cpu: { model: string; cores: number };
  memoryBytes: number;
  disk: { totalBytes: number; freeBytes: number } | null;
  packages: Record<string, string | null>;
}

/** One record per stage run: what it read, what it wrote, how many, how long, under which config. */
export interface StageRecord {
  stage: string;
  nb: string;
  runId: string;
  shard: string | null;
  startedAt: string;
  seconds: number;
  configHash: string;
  status: "done" | "not-applicable" | "failed" | "inputs-missing" | "unavailable" | "blocked";
  inputs: string[];
  outputs: string[];
  counts: Record<string, number>;
  message?: string;
}

/** One record per command: total time and peak memory (the demo prints these too). */
export interface RunRecord {
  runId: string;
  command: string;
  startedAt: string;
  seconds: number;
  peakRssBytes: number;
  exitCode: number;
  demo: boolean;
}

/** passport.json. */
export interface Passport {
  workspace: string;
  dataRoot: string | null;
  environment: Environment;
  stages: StageRecord[];
  runs: RunRecord[];
}

/** Captures the environment: Node, onnxruntime-node, CPU, memory, disk, @osfm package versions. */
export async function captureEnvironment(workspace: string): Promise<Environment> {
  const cpuList = cpus();
  let disk: Environment["disk"] = null;
  try {
    const s = await statfs(workspace);
    disk = { totalBytes: s.blocks * s.bsize, freeBytes: s.bavail * s.bsize };
  } catch {
    disk = null;
  }
  const packages: Record<string, string | null> = {};
  for (const name of OSFM_PACKAGES) packages[`@osfm/${name}`] = installedVersion(`@osfm/${name}`) ?? null;
  packages["@osfm/reproduce"] = installedVersion("@osfm/reproduce") ?? null;
  return {
    capturedAt: new Date().toISOString(),
    host: hostname(),
    platform: `${platform()} ${release()}`,
    node: process.version,
    onnxruntime: installedVersion("onnxruntime-node") ?? null,
    glibcTunables: process.env.GLIBC_TUNABLES ?? null,
    cpu: { model: cpuList[0]?.model ?? "unknown", cores: cpuList.length },
    memoryBytes: totalmem(),
    disk,
    packages,
  };
}

/** Reads passport.json, or undefined if there is none yet. */
export async function readPassport(path: string): Promise<Passport | undefined> {
  try {
    return JSON.parse(await readFile(path, "utf8")) as Passport;
  } catch {
    return undefined;
  }
}

/**
 * Read-modify-write of passport.json under a lock, so concurrent shard processes keep every record.
 * Unlike the original's NB01, a rerun never resets earlier stage records.
 */
export async function updatePassport(path: string, init: () => Promise<Passport>, change: (p: Passport) => void): Promise<Passport> {
  return withLock(path, async () => {
    const passport = (await readPassport(path)) ?? (await init());
    change(passport);
    await writeJsonAtomic(path, passport);
    return passport;
  });
}
