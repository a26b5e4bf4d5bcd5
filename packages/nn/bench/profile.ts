// Profiles one training step of the bench's aggregator with onnxruntime's profiler and prints the
// time per op type and the slowest nodes:
//   node --conditions=@osfm/source --import tsx bench/profile.ts   (sizes as in bench/index.ts)
// OSFM_PROFILE_TRACE=<file>: every node in execution order with its time and output shape;
// OSFM_PREFETCH_MASKS=0: masks drawn on the spot (the runs here follow each other without an optimizer
// step, so the mask worker's prefetch otherwise overlaps the start of the next run);
// OSFM_BENCH_PROFILE_WARMUP (default 3) runs not counted: the first two runs of a session take ≈ 540k and
// ≈ 460k minor page faults (first touch of onnxruntime's memory-pattern block and of the binding's output
// copies), the third ≈ 15k, later ones ≈ 300; OSFM_BENCH_PROFILE_RUNS counted after them (default 2);
// OSFM_PROFILE_ONNX=<file> (the model).
import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { TrainStep, mul, reduceMean, sub, toOnnxBytes } from "@osfm/nn";
import { Aggregator, d, env, threads, tokens } from "./aggregator";

const model = new Aggregator();
const prefix = join(tmpdir(), `osfm-nn-profile-${process.pid}`);
const step = await TrainStep.create(model, (g) => {
  const diff = sub(model.forward(g.input("x", [1, "T", d]), g.input("pad", [1, "T"], "bool")), g.input("target", [1, d]));
  return { loss: reduceMean(mul(diff, diff), [0, 1]) };
}, { intraOpThreads: threads, profileFilePrefix: prefix, prefetchMasks: process.env.OSFM_PREFETCH_MASKS !== "0", dropoutMasks: process.env.OSFM_DROPOUT_MASKS === "onnx" ? "onnx" : "inputs" });
if (process.env.OSFM_PROFILE_ONNX) writeFileSync(process.env.OSFM_PROFILE_ONNX, toOnnxBytes(step.graph));
const feeds = {
  x: { data: Float32Array.from({ length: tokens * d }, () => Math.random() - 0.5), dims: [1, tokens, d] },
  pad: { data: new Uint8Array(tokens), dims: [1, tokens] },
  target: { data: Float32Array.from({ length: d }, () => Math.random()), dims: [1, d] },
};
const warmup = env("PROFILE_WARMUP", 3);
const runs = warmup + env("PROFILE_RUNS", 2);
for (let i = 0; i < runs; i++) {
  const t0 = performance.now();
  await step.run(feeds);
  console.log(`run ${i}: ${(performance.now() - t0).toFixed(0)} ms`);
}
step.session.ort.endProfiling();
await step.release();
const dir = dirname(prefix);
const found = readdirSync(dir).find((f) => f.startsWith(basename(prefix)) && f.endsWith(".json"));
if (!found) throw new Error(`no profile written under ${prefix}*`);
const file = join(dir, found);
interface Ev { cat: string; name: string; dur: number; args?: { op_name?: string; input_type_shape?: unknown; output_type_shape?: unknown } }
const events = JSON.parse(readFileSync(file, "utf8")) as Ev[];
rmSync(file);
const runEvents = events.filter((e) => e.cat === "Session" && e.name === "model_run");
const last = runEvents.length; // aggregate the runs after the warm-up ones
const nodes = events.filter((e) => e.cat === "Node" && e.name.endsWith("_kernel_time"));
const perRun = nodes.length / last;
const measured = nodes.slice(perRun * warmup);
const byOp = new Map<string, number>();
const byNode = new Map<string, number>();
const byShape = new Map<string, { us: number; count: number }>();
for (const e of measured) {
  const op = e.args?.op_name ?? "?";
  byOp.set(op, (byOp.get(op) ?? 0) + e.dur);
  const key = `${op} ${JSON.stringify(e.args?.input_type_shape)} -> ${JSON.stringify(e.args?.output_type_shape)}`;
  const sh = byShape.get(key) ?? { us: 0, count: 0 };
  sh.us += e.dur;
  sh.count++;
  byShape.set(key, sh);
  const nodeKey = `${op} ${e.name.replace(/_kernel_time$/, "")} -> ${JSON.stringify(e.args?.output_type_shape)}`;
  byNode.set(nodeKey, (byNode.get(nodeKey) ?? 0) + e.dur);
}
const n = last - warmup;
const total = [...byOp.values()].reduce((a, b) => a + b, 0) / n;
console.log(`kernels per run: ${perRun}, kernel time per run: ${(total / 1000).toFixed(0)} ms, model_run: ${runEvents.slice(warmup).map((e) => (e.dur / 1000).toFixed(0)).join(", ")} ms`);
for (const [op, us] of [...byOp].sort((a, b) => b[1] - a[1])) console.log(`${op.padEnd(28)} ${(us / n / 1000).toFixed(1).padStart(8)} ms ${((100 * us) / n / total).toFixed(1).padStart(5)}%`);
console.log("-- by op and shapes (count per run)");
for (const [key, { us, count }] of [...byShape].sort((a, b) => b[1].us - a[1].us).slice(0, env("PROFILE_TOP", 40))) {
  console.log(`${(us / n / 1000).toFixed(1).padStart(8)} ms  x${count / n}  ${key}`);
}
console.log("-- slowest nodes");
for (const [name, us] of [...byNode].sort((a, b) => b[1] - a[1]).slice(0, env("PROFILE_TOP", 40))) console.log(`${(us / n / 1000).toFixed(1).padStart(8)} ms  ${name}`);
if (process.env.OSFM_PROFILE_TRACE) {
  // every node of the measured runs in execution order (time per run), to see what runs around a slow node
  writeFileSync(process.env.OSFM_PROFILE_TRACE, [...byNode].map(([name, us]) => `${(us / n / 1000).toFixed(2).padStart(8)} ms  ${name}`).join("\n"));
}
