// Huge-page malloc for training processes. onnxruntime, the binding's output copies and the
// optimizer state are a ≈ 4.5 GB working set of large blocks; on Linux with transparent huge pages
// in "madvise" mode (Ubuntu's and this machine's default) glibc only backs them with 2 MiB pages when
// the process starts with GLIBC_TUNABLES=glibc.malloc.hugetlb=1 (glibc ≥ 2.35), which a library cannot
// set for its own process afterwards. An app that trains can relaunch itself with it. Blocks up to
// 32 MiB then come from the (huge-page) heap instead of fresh mappings (mmap_threshold), and up to
// 256 MiB of freed heap is kept for the next step instead of being returned (trim_threshold): the
// aggregator's training step (bench/) measured 2.72–2.80 s without, 2.58–2.97 s with hugetlb alone,
// 2.46–2.50 s with all three (alternating runs, 28 Nov).
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { constants } from "node:os";
import { Worker } from "node:worker_threads";

const TUNABLE = "glibc.malloc.hugetlb";
/** What {@link withHugePages} adds, in order. */
const TRAINING_TUNABLES: readonly [string, string][] = [
  [TUNABLE, "1"],
  ["glibc.malloc.mmap_threshold", String(32 << 20)],
  ["glibc.malloc.trim_threshold", String(256 << 20)],
];
/** Opt-out: `OSFM_HUGE_PAGES=0` keeps the process as it is. */
export const HUGE_PAGES_ENV = "OSFM_HUGE_PAGES";

/** The kernel's transparent-huge-page mode (`/sys/kernel/mm/transparent_hugepage/enabled`), or "unavailable". */
export type ThpMode = "always" | "madvise" | "never" | "unavailable";

/** What decides whether a relaunch with huge-page malloc helps. */
export interface HugePagesHost {
  platform: NodeJS.Platform;
  /** glibc version of the running process ("2.36"), or undefined (musl, macOS, Windows). */
  glibc: string | undefined;
  thp: ThpMode;
  env: NodeJS.ProcessEnv;
}

/** Splits GLIBC_TUNABLES ("a=1:b=2") into name/value pairs, in order. */
function tunables(env: NodeJS.ProcessEnv): [string, string][] {
  return (env.GLIBC_TUNABLES ?? "")
    .split(":")
    .filter((t) => t.length > 0)
    .map((t) => {
      const eq = t.indexOf("=");
      return eq < 0 ? [t, ""] : [t.slice(0, eq), t.slice(eq + 1)];
    });
}

function withTunables(env: NodeJS.ProcessEnv, list: [string, string][]): NodeJS.ProcessEnv {
  const out = { ...env };
  if (list.length > 0) out.GLIBC_TUNABLES = list.map(([k, v]) => `${k}=${v}`).join(":");
  else delete out.GLIBC_TUNABLES;
  return out;
}

/**
 * `env` with glibc.malloc.hugetlb=1, mmap_threshold=32 MiB and trim_threshold=256 MiB in
 * GLIBC_TUNABLES; other tunables are kept, and so is a value the user set for any of these three.
 */
export function withHugePages(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const list = tunables(env);
  return withTunables(env, [...list, ...TRAINING_TUNABLES.filter(([k]) => !list.some(([have]) => have === k))]);
}

/** `env` without the tunables {@link withHugePages} sets (for processes that are slower with them, e.g. PyTorch's allocator). */
export function withoutHugePages(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return withTunables(env, tunables(env).filter(([k]) => !TRAINING_TUNABLES.some(([t]) => t === k)));
}

/** True when `env` asks glibc for huge-page malloc (glibc.malloc.hugetlb=1 or 2). */
export function hugePagesRequested(env: NodeJS.ProcessEnv = process.env): boolean {
  return tunables(env).some(([k, v]) => k === TUNABLE && (v === "1" || v === "2"));
}

/**
 * Whether relaunching with glibc.malloc.hugetlb=1 would change anything: Linux with glibc ≥ 2.35,
 * THP in "madvise" mode ("always" gives huge pages already, "never" cannot), no hugetlb tunable set
 * yet (which also stops a relaunched process from relaunching again), and no `OSFM_HUGE_PAGES=0`.
 */
export function shouldRelaunchWithHugePages(host: HugePagesHost): boolean {
  if (host.platform !== "linux" || host.thp !== "madvise" || host.env[HUGE_PAGES_ENV] === "0") return false;
  if (tunables(host.env).some(([k]) => k === TUNABLE)) return false;
  const [major = 0, minor = 0] = (host.glibc ?? "").split(".").map(Number);
  return major > 2 || (major === 2 && minor >= 35);
}

/** The running process's host facts (glibc from Node's diagnostic report, THP mode from sysfs). */
export function currentHost(env: NodeJS.ProcessEnv = process.env): HugePagesHost {
  const header = (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header;
  return { platform: process.platform, glibc: header?.glibcVersionRuntime, thp: readThpMode(), env };
}

/** Reads the bracketed THP mode, e.g. "always [madvise] never" → "madvise". */
export function readThpMode(path = "/sys/kernel/mm/transparent_hugepage/enabled"): ThpMode {
  try {
    const mode = /\[(\w+)\]/.exec(readFileSync(path, "utf8"))?.[1];
    return mode === "always" || mode === "madvise" || mode === "never" ? mode : "unavailable";
  } catch {
    return "unavailable";
  }
}

/** {@link HUGE_PAGES_ENV} in a relaunched process: `relaunched:<parent pid>`. */
const RELAUNCHED = /^relaunched:(\d+)$/;

/**
 * A relaunched process dies with its parent: a worker thread (so a long synchronous onnxruntime run
 * on the main thread does not delay it) checks every 100 ms that the parent is still its parent, and
 * SIGKILLs this process when it is not, as the parent itself was killed.
 */
function followParent(parentPid: number): void {
  const watch = `const { workerData } = require("node:worker_threads");
const check = () => { if (process.ppid !== workerData) process.kill(process.pid, "SIGKILL"); };
check();
setInterval(check, 100);`;
  new Worker(watch, { eval: true, workerData: parentPid }).unref();
}

let following = false;

/**
 * For an app's entry point: when {@link shouldRelaunchWithHugePages}, runs this same Node command
 * (same flags, script and arguments) again with huge-page malloc, stdio inherited, SIGINT/SIGTERM
 * forwarded, and resolves with its exit code (a child killed by a signal kills this process with the
 * same signal); otherwise resolves null and the caller goes on in this process. A relaunched process
 * ends when its parent does, even by SIGKILL, so a killed job leaves nothing running (it is marked by
 * `OSFM_HUGE_PAGES=relaunched:<parent pid>`, which it removes from its own environment). A signal sent
 * to the whole process group (Ctrl-C in a terminal, a batch system signalling every process of a job)
 * reaches it twice, directly and forwarded: a graceful SIGINT/SIGTERM handler should expect a repeat.
 * On this machine it takes ≈ 10 % off a training step of the aggregator; PyTorch's own allocator gets
 * slower with it, so it is for our processes only.
 */
export function relaunchWithHugePages(host: HugePagesHost = currentHost()): Promise<number | null> {
  const parent = RELAUNCHED.exec(host.env[HUGE_PAGES_ENV] ?? "")?.[1];
  if (parent !== undefined && !following) {
    following = true;
    followParent(Number(parent));
    // the mark is this process's own: processes it starts must not take its parent for theirs
    if (host.env === process.env) delete process.env[HUGE_PAGES_ENV];
  }
  if (!shouldRelaunchWithHugePages(host)) return Promise.resolve(null);
  const env = { ...withHugePages(host.env), [HUGE_PAGES_ENV]: `relaunched:${process.pid}` };
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], { stdio: "inherit", env });
  const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
  const onInt = forward("SIGINT");
  const onTerm = forward("SIGTERM");
  process.on("SIGINT", onInt);
  process.on("SIGTERM", onTerm);
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code, signal) => {
      process.off("SIGINT", onInt);
      process.off("SIGTERM", onTerm);
      if (signal) process.kill(process.pid, signal);
      resolve(code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0));
    });
  });
}
