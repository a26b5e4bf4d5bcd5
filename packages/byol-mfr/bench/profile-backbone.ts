// Profiles one training step of the phase-2 backbone alone (ConvNeXt → mean of squared features) with
// onnxruntime's profiler and prints the time per op type and the slowest op shapes (no memory pattern, as
// phase 2 runs; OSFM_MEM_PATTERN=1 turns it on, OSFM_MEM_ARENA=0 turns the CPU arena off; OSFM_PROFILE_EVAL=1
// profiles the eval-mode forward alone, as the phase-2 teacher runs it):
//   OSFM_BENCH_TILES=4 OSFM_BENCH_TILE_SIZE=224 node --conditions=@osfm/source --import tsx bench/profile-backbone.ts
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { Graph, Session, TrainStep, mul, reduceMean } from "@osfm/nn";
import { CONVNEXT_TINY_SHAPE, TrainableConvNeXt } from "../src/index";

const env = (k: string, d: number) => Number(process.env[`OSFM_BENCH_${k}`] ?? d);
const [tiles, side, threads, runs, top] = [env("TILES", 4), env("TILE_SIZE", 224), env("THREADS", 2), env("PROFILE_RUNS", 2), env("PROFILE_TOP", 30)];
const profile = process.env.OSFM_PROFILE !== "0";
const model = new TrainableConvNeXt(CONVNEXT_TINY_SHAPE, { seed: 1, stochasticDepth: 0.1 });
const prefix = join(tmpdir(), `osfm-backbone-profile-${process.pid}`);
const sessionOptions = { intraOpThreads: threads, memoryPattern: process.env.OSFM_MEM_PATTERN === "1", memArena: process.env.OSFM_MEM_ARENA !== "0", ...(profile ? { profileFilePrefix: prefix } : {}) };
const step = process.env.OSFM_PROFILE_EVAL === "1" ? await evalStep() : await TrainStep.create(model, (g) => {
  const f = model.forward(g.input("images", [tiles, 3, side, side]));
  return { loss: reduceMean(mul(f, f), [0, 1]) };
}, sessionOptions);

/** The teacher's forward (eval graph, weights fed as inputs) behind the same run / session / release shape as a TrainStep. */
async function evalStep() {
  const g = model.bind(new Graph({ training: false, name: "teacher" }));
  g.output("features", model.forward(g.input("images", [tiles, 3, side, side])));
  const session = await Session.create(g, sessionOptions);
  return { session, run: (feeds: Parameters<Session["run"]>[0]) => session.run(feeds), release: () => session.release() };
}
const feeds = { images: { data: Float32Array.from({ length: tiles * 3 * side * side }, () => Math.random() - 0.5), dims: [tiles, 3, side, side] } };
for (let i = 0; i < runs; i++) {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  await step.run(feeds);
  const c = process.cpuUsage(c0);
  // CPU time is the steadier number on a shared machine (with 1 thread it is free of the pool's spinning)
  console.log(`run ${i}: ${(performance.now() - t0).toFixed(0)} ms (${((tiles * 1000) / (performance.now() - t0)).toFixed(2)} tiles/s), cpu ${((c.user + c.system) / 1000).toFixed(0)} ms, rss ${(process.memoryUsage().rss / 2 ** 30).toFixed(2)} GiB`);
}
if (profile) {
  step.session.ort.endProfiling();
  await step.release();
  const dir = dirname(prefix);
  const found = readdirSync(dir).find((f) => f.startsWith(basename(prefix)) && f.endsWith(".json"));
  if (!found) throw new Error(`no profile written under ${prefix}*`);
  interface Ev { cat: string; name: string; dur: number; args?: { op_name?: string; input_type_shape?: unknown; output_type_shape?: unknown } }
  const events = JSON.parse(readFileSync(join(dir, found), "utf8")) as Ev[];
  rmSync(join(dir, found));
  const nodes = events.filter((e) => e.cat === "Node" && e.name.endsWith("_kernel_time"));
  const measured = nodes.slice(nodes.length / runs);
  const n = runs - 1;
  const byOp = new Map<string, number>();
  const byShape = new Map<string, { us: number; count: number }>();
  for (const e of measured) {
    const op = e.args?.op_name ?? "?";
    byOp.set(op, (byOp.get(op) ?? 0) + e.dur);
    const key = `${op} ${JSON.stringify(e.args?.input_type_shape)} -> ${JSON.stringify(e.args?.output_type_shape)}`;
    const s = byShape.get(key) ?? { us: 0, count: 0 };
    s.us += e.dur;
    s.count++;
    byShape.set(key, s);
  }
  const total = [...byOp.values()].reduce((a, b) => a + b, 0) / n;
  console.log(`kernel time per run: ${(total / 1000).toFixed(0)} ms`);
  for (const [op, us] of [...byOp].sort((a, b) => b[1] - a[1])) console.log(`${op.padEnd(28)} ${(us / n / 1000).toFixed(1).padStart(8)} ms ${((100 * us) / n / total).toFixed(1).padStart(5)}%`);
  console.log("-- by op and shapes (count per run)");
  for (const [key, { us, count }] of [...byShape].sort((a, b) => b[1].us - a[1].us).slice(0, top)) console.log(`${(us / n / 1000).toFixed(1).padStart(8)} ms  x${count / n}  ${key}`);
} else await step.release();
