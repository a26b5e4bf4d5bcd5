import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { currentHost, hugePagesRequested, readThpMode, shouldRelaunchWithHugePages, withHugePages, withoutHugePages, type HugePagesHost } from "./huge-pages.js";

describe("GLIBC_TUNABLES editing", () => {
  const ours = "glibc.malloc.hugetlb=1:glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=268435456";
  it("adds huge pages and the two thresholds after the tunables already set, and keeps explicit choices", () => {
    expect(withHugePages({ A: "x" })).toEqual({ A: "x", GLIBC_TUNABLES: ours });
    expect(withHugePages({ GLIBC_TUNABLES: "glibc.malloc.arena_max=2" }).GLIBC_TUNABLES).toBe(`glibc.malloc.arena_max=2:${ours}`);
    expect(withHugePages({ GLIBC_TUNABLES: "glibc.malloc.hugetlb=0:glibc.malloc.trim_threshold=1" }).GLIBC_TUNABLES)
      .toBe("glibc.malloc.hugetlb=0:glibc.malloc.trim_threshold=1:glibc.malloc.mmap_threshold=33554432");
    expect(withHugePages({ GLIBC_TUNABLES: ours }).GLIBC_TUNABLES).toBe(ours);
  });

  it("removes only the tunables it adds, and the variable when nothing is left", () => {
    expect(withoutHugePages({ GLIBC_TUNABLES: `glibc.malloc.arena_max=2:${ours}` }).GLIBC_TUNABLES).toBe("glibc.malloc.arena_max=2");
    const env = withoutHugePages({ GLIBC_TUNABLES: ours, B: "y" });
    expect(env).toEqual({ B: "y" });
    expect("GLIBC_TUNABLES" in env).toBe(false);
  });

  it("reads whether huge-page malloc was asked for", () => {
    expect(hugePagesRequested({ GLIBC_TUNABLES: "glibc.malloc.hugetlb=1" })).toBe(true);
    expect(hugePagesRequested({ GLIBC_TUNABLES: "x=1:glibc.malloc.hugetlb=2" })).toBe(true);
    expect(hugePagesRequested({ GLIBC_TUNABLES: "glibc.malloc.hugetlb=0" })).toBe(false);
    expect(hugePagesRequested({})).toBe(false);
  });
});

describe("shouldRelaunchWithHugePages", () => {
  const host = (over: Partial<HugePagesHost>): HugePagesHost => ({ platform: "linux", glibc: "2.36", thp: "madvise", env: {}, ...over });
  it("relaunches only on Linux, glibc ≥ 2.35, THP in madvise mode, nothing set yet and no opt-out", () => {
    expect(shouldRelaunchWithHugePages(host({}))).toBe(true);
    expect(shouldRelaunchWithHugePages(host({ glibc: "2.35" }))).toBe(true);
    expect(shouldRelaunchWithHugePages(host({ glibc: "3.0" }))).toBe(true);
    expect(shouldRelaunchWithHugePages(host({ glibc: "2.34" }))).toBe(false); // tunable unknown there
    expect(shouldRelaunchWithHugePages(host({ glibc: undefined }))).toBe(false); // musl
    expect(shouldRelaunchWithHugePages(host({ platform: "darwin" }))).toBe(false);
    expect(shouldRelaunchWithHugePages(host({ thp: "always" }))).toBe(false); // huge pages already
    expect(shouldRelaunchWithHugePages(host({ thp: "never" }))).toBe(false);
    expect(shouldRelaunchWithHugePages(host({ thp: "unavailable" }))).toBe(false);
    expect(shouldRelaunchWithHugePages(host({ env: { OSFM_HUGE_PAGES: "0" } }))).toBe(false);
    expect(shouldRelaunchWithHugePages(host({ env: { GLIBC_TUNABLES: "glibc.malloc.hugetlb=1" } }))).toBe(false); // the relaunched process
    expect(shouldRelaunchWithHugePages(host({ env: { GLIBC_TUNABLES: "glibc.malloc.hugetlb=0" } }))).toBe(false); // the user's choice
  });

  it("reads the bracketed THP mode", () => {
    const dir = mkdtempSync(join(tmpdir(), "osfm-thp-"));
    const file = (text: string) => {
      const f = join(dir, `m${text.length}`);
      writeFileSync(f, text);
      return f;
    };
    expect(readThpMode(file("always [madvise] never\n"))).toBe("madvise");
    expect(readThpMode(file("[always] madvise never"))).toBe("always");
    expect(readThpMode(file("always madvise [never]\n\n"))).toBe("never");
    expect(readThpMode(file("garbage"))).toBe("unavailable");
    expect(readThpMode(join(dir, "missing"))).toBe("unavailable");
    rmSync(dir, { recursive: true, force: true });
  });
});

describe("relaunchWithHugePages", () => {
  const here = pathToFileURL(fileURLToPath(new URL("./huge-pages.ts", import.meta.url))).href;
  const dir = mkdtempSync(join(tmpdir(), "osfm-relaunch-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const script = join(dir, "relaunch.mts");
  writeFileSync(script, [
    'import { readFileSync } from "node:fs";',
    `import { relaunchWithHugePages } from ${JSON.stringify(here)};`,
    "const code = await relaunchWithHugePages();",
    "if (code !== null) { console.log(`parent ${code}`); process.exit(code); }",
    'const hugeKb = () => Number(/AnonHugePages:\\s+(\\d+)/.exec(readFileSync("/proc/self/smaps_rollup", "utf8"))?.[1] ?? 0);',
    "if (process.argv[2] === 'idle') {",
    "  process.once('SIGTERM', () => { console.log('child got SIGTERM'); process.exit(143); });",
    "  console.log(`pid ${process.pid}`);",
    "  setTimeout(() => {}, 30_000);",
    "} else if (process.argv[2] === 'sleep') {",
    "  console.log(`pid ${process.pid}`);",
    "  const end = Date.now() + 30_000;",
    "  while (Date.now() < end);", // busy, like a long synchronous onnxruntime run: the parent watch must not need this thread
    "} else {",
    "  const before = hugeKb();",
    "  new Float32Array(16 << 20).fill(1);", // 64 MiB through Node's ArrayBuffer allocator (glibc malloc)
    "  console.log(`child ${process.env.GLIBC_TUNABLES} ${process.argv.slice(2).join(',')} ${hugeKb() - before >= 32768 ? 'huge' : 'small'} ${process.env.OSFM_HUGE_PAGES ?? 'unmarked'}`);",
    "  process.exit(7);",
    "}",
  ].join("\n"));
  const run = (env: NodeJS.ProcessEnv) => spawnSync(process.execPath, ["--import", "tsx", script, "a", "b c"], { encoding: "utf8", timeout: 60_000, env });
  const clean = withoutHugePages(process.env); // the test may itself run under the tunable or the opt-out
  delete clean.OSFM_HUGE_PAGES;
  const possible = shouldRelaunchWithHugePages(currentHost(clean));

  it.skipIf(!possible)("runs the same command again with huge-page malloc, which backs large buffers with 2 MiB pages, and passes its exit code on", () => {
    const res = run(clean);
    expect(res.stdout.trim().split("\n"), res.stderr).toEqual([expect.stringMatching(/^child (.*:)?glibc\.malloc\.hugetlb=1:glibc\.malloc\.mmap_threshold=33554432:glibc\.malloc\.trim_threshold=268435456 a,b c huge unmarked$/), "parent 7"]);
    expect(res.status).toBe(7);
  });

  it.skipIf(!possible)("stays in the process with OSFM_HUGE_PAGES=0, where the same buffer gets 4 KiB pages", () => {
    const res = run({ ...clean, OSFM_HUGE_PAGES: "0" });
    expect(res.stdout.trim(), res.stderr).toMatch(/^child .* a,b c small 0$/);
    expect(res.status).toBe(7);
  });

  /** Starts the script busy ("sleep") or idle; resolves with the parent, the relaunched child's pid and its output so far. */
  const start = async (mode: "sleep" | "idle") => {
    const parent = spawn(process.execPath, ["--import", "tsx", script, mode], { env: clean, stdio: ["ignore", "pipe", "inherit"] });
    const output = { text: "" };
    const pid = await new Promise<number>((resolve, reject) => {
      parent.stdout.on("data", (b: Buffer) => {
        output.text += b.toString();
        const m = /pid (\d+)/.exec(output.text);
        if (m) resolve(Number(m[1]));
      });
      parent.once("exit", () => reject(new Error(`parent exited first: ${output.text}`)));
    });
    expect(pid).not.toBe(parent.pid);
    return { parent, pid, output };
  };
  const alive = (pid: number) => {
    try {
      return readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.[0] !== "Z"; // a zombie has ended (its new parent reaps it)
    } catch {
      return false;
    }
  };
  const waitGone = async (pid: number) => {
    const t0 = Date.now();
    while (alive(pid) && Date.now() - t0 < 10_000) await new Promise((r) => setTimeout(r, 20));
    return Date.now() - t0;
  };

  it.skipIf(!possible)("a relaunched process ends when its parent is SIGKILLed, even in the middle of synchronous work", async () => {
    const { parent, pid } = await start("sleep");
    parent.kill("SIGKILL");
    const ms = await waitGone(pid);
    expect(alive(pid)).toBe(false);
    expect(ms).toBeLessThan(2000); // not at the end of its 30 s of work
  });

  it.skipIf(!possible)("SIGTERM to the parent reaches the relaunched process, whose exit code the parent takes", async () => {
    const { parent, pid, output } = await start("idle");
    const exit = new Promise<number | null>((resolve) => parent.once("exit", (code) => resolve(code)));
    parent.kill("SIGTERM");
    expect(await exit).toBe(143);
    expect(output.text).toMatch(/child got SIGTERM\nparent 143\n$/);
    expect(alive(pid)).toBe(false);
  });
});
