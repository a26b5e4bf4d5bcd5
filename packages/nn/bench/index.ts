// One training step (forward, backward, AdamW) and one forward pass of the OpenSlideFM aggregator,
// ours (onnxruntime-node) vs PyTorch CPU with the same thread count. Full size by default:
//   npm run bench -w @osfm/nn
// Reduced (shared machine): OSFM_BENCH_LAYERS=2 OSFM_BENCH_TOKENS=400 npm run bench -w @osfm/nn
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { medianSeconds, reportComparison, runPythonJson } from "@osfm/bench-harness";
import { AdamW, Graph, inferenceOnnxBytes, Session, TrainStep, Trainer, mul, reduceMean, sub, type Tensor } from "@osfm/nn";
import { Aggregator, d, ffn, heads, layers, repeats, threads, tokens } from "./aggregator";

const model = new Aggregator();
const x = { data: Float32Array.from({ length: tokens * d }, () => Math.random() - 0.5), dims: [1, tokens, d] };
const pad = { data: new Uint8Array(tokens), dims: [1, tokens] };
const target = { data: Float32Array.from({ length: d }, () => Math.random()), dims: [1, d] };

const step = await TrainStep.create(model, (g) => {
  const diff = sub(model.forward(g.input("x", [1, "T", d]), g.input("pad", [1, "T"], "bool")), g.input("target", [1, d]));
  return { loss: reduceMean(mul(diff, diff), [0, 1]) };
}, { intraOpThreads: threads });
const trainer = new Trainer(step, new AdamW(model.namedParameters(), { lr: 1.5e-4, weightDecay: 1e-4 }));
const timings: { graphMs: number; updateMs: number }[] = [];
const train = await medianSeconds(async () => {
  timings.push((await trainer.microStep({ x, pad, target })).timings);
}, repeats);
const measured = timings.slice(1); // without the warm-up run
const graphMs = measured.reduce((a, t) => a + t.graphMs, 0);
const updateMs = measured.reduce((a, t) => a + t.updateMs, 0);
const runs = measured.length;
await step.release();

const g = model.bind(new Graph({ training: false }));
g.output("y", model.forward(g.input("x", [1, "T", d]), g.input("pad", [1, "T"], "bool")));
const session = await Session.create(g, { intraOpThreads: threads });
const forward = await medianSeconds(() => session.run({ x, pad }), repeats);
await session.release();
// the same forward with weights baked in as initializers: shows that feeding parameters as inputs is free
const baked = await Session.create(inferenceOnnxBytes(model, {
  inputs: [{ name: "x", shape: [1, "T", d] }, { name: "pad", shape: [1, "T"], dtype: "bool" }],
  forward: (m, xi, padi) => m.forward(xi as Tensor, padi as Tensor),
}), { intraOpThreads: threads });
const forwardBaked = await medianSeconds(() => baked.run({ x, pad }), repeats);


const ourPeakMb = process.resourceUsage().maxRSS / 1024;
const script = resolve(fileURLToPath(import.meta.url), "../../../../tooling/reference/nn/bench_aggregator.py");
const ref = runPythonJson<{ train_s: number; forward_s: number; peak_rss_mb: number; torch: string }>(script, [layers, d, heads, ffn, tokens, threads, repeats].map(String));
const size = `${layers}x${d}/${heads}h/ffn${ffn}/${tokens}tok`;
reportComparison({
  bench: "nn.aggregator-train-step", unit: "s", ours: train, reference: ref.train_s, referenceName: `torch-${ref.torch}`, kind: "time", threads,
  extra: { size, params: model.numParameters(), updateShare: Number((updateMs / (graphMs + updateMs)).toFixed(4)), updateMs: Number((updateMs / runs).toFixed(1)), oursPeakRssMb: Math.round(ourPeakMb), referencePeakRssMb: Math.round(ref.peak_rss_mb) },
});
reportComparison({
  bench: "nn.aggregator-forward", unit: "s", ours: forward, reference: ref.forward_s, referenceName: `torch-${ref.torch}`, kind: "time", threads,
  extra: { size, oursWeightsAsInitializersS: Number(forwardBaked.toPrecision(4)), oursPeakRssMb: Math.round(ourPeakMb), referencePeakRssMb: Math.round(ref.peak_rss_mb) },
});
