import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { Graph } from "../graph/graph.js";
import { exp } from "../ops/elementwise.js";
import { dropout, dropoutUnscaled } from "../ops/nn-ops.js";
import { MaskWorker } from "./mask-worker.js";
import { MaskStream } from "./masks.js";
import { Session } from "./session.js";

describe("dropout masks drawn in a worker thread", () => {
  it.each([0.1, 0.5])("MaskWorker draws the same masks as MaskStream.fill (p = %s), and its state continues the stream", async (p) => {
    const worker = new MaskWorker();
    const [main, other] = [new MaskStream(7, p), new MaskStream(7, p)];
    const want = [new Uint8Array(1001), new Uint8Array(1001)];
    for (const w of want) main.fill(w);
    const [job] = (await worker.fill([{ out: new Uint8Array(1001), state: other.snapshot(), p, gaps: other.gaps }])) ?? [];
    expect(job).toBeDefined();
    expect(Buffer.compare(job!.out as Uint8Array, want[0]!)).toBe(0);
    other.restore(job!.state);
    const second = new Uint8Array(1001);
    other.fill(second);
    expect(Buffer.compare(second, want[1]!)).toBe(0);
    await worker.close();
    expect(await worker.fill([{ out: new Uint8Array(4), state: other.snapshot(), p, gaps: other.gaps }])).toBeNull();
  });

  it.each([0.1, 0.5])("float16 masks (p = %s) keep the same elements as uint8 ones from the same seed, as 1.0 (0x3c00), in the worker too", async (p) => {
    const n = 100_003;
    const bytes = new Uint8Array(n);
    new MaskStream(3, p).fill(bytes);
    const halves = new Uint16Array(n);
    const stream = new MaskStream(3, p);
    stream.fill(halves);
    expect(Array.from(halves).every((h, i) => h === (bytes[i] === 1 ? 0x3c00 : 0))).toBe(true);
    const kept = bytes.reduce((a, b) => a + b, 0) / n;
    expect(Math.abs(kept - (1 - p))).toBeLessThan(0.01);
    const worker = new MaskWorker();
    const other = new MaskStream(3, p);
    const [job] = (await worker.fill([{ out: new Uint16Array(n), state: other.snapshot(), p, gaps: other.gaps }])) ?? [];
    await worker.close();
    expect(job?.out).toBeInstanceOf(Uint16Array);
    expect(Buffer.compare(Buffer.from((job!.out as Uint16Array).buffer), Buffer.from(halves.buffer))).toBe(0);
  });

  it("a session that prefetches masks gives the same outputs run for run as one that does not (size changes and fed masks included)", async () => {
    const g = new Graph({ training: true, seed: 4, dropoutMasks: "inputs" });
    const W = 300_000; // ≥ 2^20 mask elements per run: the worker path
    const x = g.input("x", ["B", W]);
    g.output("y", dropout(exp(x), 0.1));
    g.output("z", dropout(exp(x), 0.4));
    const unscaled = dropoutUnscaled(exp(x), 0.1); // a float16 mask among the uint8 ones
    g.output("u", unscaled.y);
    const name = [...g.maskInputs.values()][0]?.tensor.name as string;
    const feeds = (b: number) => ({ x: { data: new Float32Array(b * W), dims: [b, W] } });
    const runs: Record<string, { data: Float32Array | Uint8Array; dims: number[] }>[] = [
      feeds(2), feeds(2), feeds(3), feeds(3), { ...feeds(3), [name]: { data: new Uint8Array(3 * W).fill(1), dims: [3, W] } }, feeds(3), feeds(2),
    ];
    const [fast, plain] = [await Session.create(g, { intraOpThreads: 1 }), await Session.create(g, { intraOpThreads: 1, prefetchMasks: false })];
    for (const f of runs) {
      const [a, b] = [await fast.run(f), await plain.run(f)];
      const bytes = (t: { data: unknown } | undefined) => Buffer.from((t?.data as Float32Array).buffer);
      expect(Buffer.compare(bytes(a.y), bytes(b.y))).toBe(0);
      expect(Buffer.compare(bytes(a.z), bytes(b.z))).toBe(0);
      expect(Buffer.compare(bytes(a.u), bytes(b.u))).toBe(0);
      expect((a.z?.data as Float32Array).includes(0)).toBe(true); // masks really drop
      const u = a.u?.data as Float32Array;
      const dropped = u.filter((v) => v === 0).length / u.length; // exp(0) = 1 kept unscaled, 0 dropped
      expect(u.every((v) => v === 0 || v === 1)).toBe(true);
      expect(Math.abs(dropped - 0.1)).toBeLessThan(0.01);
    }
    expect((fast as unknown as { maskWorker?: unknown }).maskWorker).toBeDefined(); // the worker path ran
    await fast.release();
    await plain.release();
  });

  it("an idle worker never keeps the process alive, a busy one until its masks are back (process exits promptly)", () => {
    const dir = mkdtempSync(join(tmpdir(), "osfm-mask-worker-"));
    const here = (f: string) => pathToFileURL(fileURLToPath(new URL(f, import.meta.url))).href;
    const script = join(dir, "exit.mts"); // ESM (top-level await) outside any package.json
    writeFileSync(script, [
      `import { MaskWorker } from ${JSON.stringify(here("./mask-worker.ts"))};`,
      `import { MaskStream } from ${JSON.stringify(here("./masks.ts"))};`,
      "const w = new MaskWorker();",
      "const s = new MaskStream(1, 0.1);",
      "const job = () => [{ out: new Uint8Array(1000), state: s.snapshot(), p: 0.1, gaps: s.gaps }];",
      "const r = await w.fill(job());", // awaited: the worker must keep the process alive until it answers
      "console.log('filled', r?.length);",
      "void w.fill(job());", // left pending, never closed: the process still exits
    ].join("\n"));
    const run = spawnSync(process.execPath, ["--import", "tsx", script], { encoding: "utf8", timeout: 30_000 });
    rmSync(dir, { recursive: true, force: true });
    expect(run.stdout.trim(), run.stderr).toBe("filled 1");
    expect(run.status).toBe(0); // null if the timeout had to kill it
  });
});
