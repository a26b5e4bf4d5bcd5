// Micro-bench: formulations of ConvNeXt's depthwise 7×7 forward (x NCHW → y NHWC, bias added) on onnxruntime,
// weights fed as inputs (as in training). Kernel time per formulation from onnxruntime's profiler.
//   OSFM_BENCH_TILES=16 node --conditions=@osfm/source --import tsx bench/dw-formulations.ts
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { add, concat, conv2d, gather, Graph, matmul, reshape, Session, type Tensor, transpose } from "@osfm/nn";

const env = (k: string, d: number) => Number(process.env[`OSFM_BENCH_${k}`] ?? d);
const [N, runs] = [env("TILES", 16), env("PROFILE_RUNS", 6)];
const stages = (process.env.OSFM_DW_STAGES ?? "96:56,192:28,384:14,768:7").split(",").map((s) => s.split(":").map(Number) as [number, number]);
const only = process.env.OSFM_DW_ONLY?.split(",");
const K = 7;

type Formulation = (x: Tensor, w: Tensor, b: Tensor, c: number, s: number) => Tensor;

const toNhwc = (y: Tensor) => transpose(y, [0, 2, 3, 1]);
/** [C, 49] kernel with a 50th zero column (index 49 = "no tap"). */
const paddedKernel = (w: Tensor, c: number) => {
  const g = w.graph;
  return concat([reshape(w, [c, K * K]), g.constant(new Float32Array(c), [c, 1], "float32", "zcol")], 1);
};

/** Space-to-depth by `blk`, grouped conv with `blk²` sub-channels per channel, depth-to-space straight to NHWC. */
function blocked(blk: number): Formulation {
  return (x, w, b, c, s) => {
    const g = x.graph;
    const sb = s / blk;
    const kk = 2 * Math.floor((3 + blk - 1) / blk) + 1;
    const p = (kk - 1) / 2;
    const xs = reshape(transpose(reshape(x, [N, c, sb, blk, sb, blk]), [0, 1, 3, 5, 2, 4]), [N, c * blk * blk, sb, sb]);
    const idx: number[] = [];
    for (let a = 0; a < blk; a++) for (let bb = 0; bb < blk; bb++) for (let a2 = 0; a2 < blk; a2++) for (let b2 = 0; b2 < blk; b2++) for (let ky = 0; ky < kk; ky++) for (let kx = 0; kx < kk; kx++) {
      const dy = blk * (ky - p) + a2 - a;
      const dx = blk * (kx - p) + b2 - bb;
      idx.push(Math.abs(dy) <= 3 && Math.abs(dx) <= 3 ? (dy + 3) * K + dx + 3 : K * K);
    }
    const wb = reshape(gather(paddedKernel(w, c), g.int64s(idx), 1), [c * blk * blk, blk * blk, kk, kk]);
    const bb2 = reshape(gather(reshape(b, [c, 1]), g.int64s(Array(blk * blk).fill(0)), 1), [c * blk * blk]);
    const ys = conv2d(xs, wb, bb2, { padding: [p, p], groups: c });
    return reshape(transpose(reshape(ys, [N, c, blk, blk, sb, sb]), [0, 4, 2, 5, 3, 1]), [N, s, s, c]);
  };
}

/** Dense per-channel Toeplitz [HW, HW] from the kernel (Gather), one batched MatMul [C, N, HW]·[C, HW, HW]. */
const dense: Formulation = (x, w, b, c, s) => {
  const g = x.graph;
  const hw = s * s;
  const idx: number[] = [];
  for (let yi = 0; yi < s; yi++) for (let xi = 0; xi < s; xi++) for (let yo = 0; yo < s; yo++) for (let xo = 0; xo < s; xo++) {
    const [dy, dx] = [yi - yo, xi - xo];
    idx.push(Math.abs(dy) <= 3 && Math.abs(dx) <= 3 ? (dy + 3) * K + dx + 3 : K * K);
  }
  const t = reshape(gather(paddedKernel(w, c), g.int64s(idx), 1), [c, hw, hw]);
  const xc = reshape(transpose(x, [1, 0, 2, 3]), [c, N, hw]);
  const y = matmul(xc, t); // [C, N, HW]
  return add(transpose(reshape(y, [c, N, s, s]), [1, 2, 3, 0]), b);
};

/** Dense Toeplitz built by a GEMM with a constant 0/1 tensor instead of a Gather. */
const denseGemm: Formulation = (x, w, b, c, s) => {
  const g = x.graph;
  const hw = s * s;
  const P = new Float32Array(K * K * hw * hw);
  let q = 0;
  for (let yi = 0; yi < s; yi++) for (let xi = 0; xi < s; xi++) for (let yo = 0; yo < s; yo++) for (let xo = 0; xo < s; xo++, q++) {
    const [dy, dx] = [yi - yo, xi - xo];
    if (Math.abs(dy) <= 3 && Math.abs(dx) <= 3) P[((dy + 3) * K + dx + 3) * hw * hw + q] = 1;
  }
  const t = reshape(matmul(reshape(w, [c, K * K]), g.constant(P, [K * K, hw * hw], "float32", "toeplitz_basis")), [c, hw, hw]);
  const xc = reshape(transpose(x, [1, 0, 2, 3]), [c, N, hw]);
  const y = matmul(xc, t);
  return add(transpose(reshape(y, [c, N, s, s]), [1, 2, 3, 0]), b);
};

/**
 * Roles swapped: the zero-padded, reversed kernel is the image [1, C, 2H−1, 2W−1] and the N tiles of each channel
 * are N filters (grouped Conv, C groups of N outputs): per group one GEMM [N, HW]·[HW, HW] over an im2col of the
 * padded kernel, which stays in cache. The output comes out as [C, N, H, W].
 */
const swapped: Formulation = (x, w, b, c, s) => {
  const g = x.graph;
  const side = 2 * s - 1;
  // I[t] = w[s + 2 − t] (per axis), zero outside 0 ≤ s + 2 − t ≤ 6
  const idx: number[] = [];
  for (let ty = 0; ty < side; ty++) for (let tx = 0; tx < side; tx++) {
    const [i, j] = [s + 2 - ty, s + 2 - tx];
    idx.push(i >= 0 && i < K && j >= 0 && j < K ? i * K + j : K * K);
  }
  const img = reshape(gather(paddedKernel(w, c), g.int64s(idx), 1), [1, c, side, side]);
  const kern = reshape(transpose(x, [1, 0, 2, 3]), [c * N, 1, s, s]);
  const flipped = g.addNode("Slice", [kern, g.int64s([-1, -1]), g.int64s([-(2 ** 62), -(2 ** 62)]), g.int64s([2, 3]), g.int64s([-1, -1])], [{ dtype: "float32", shape: [c * N, 1, s, s] }])[0] as Tensor;
  const y = conv2d(img, flipped, null, { groups: c }); // [1, C·N, H, W]
  return add(transpose(reshape(y, [c, N, s, s]), [1, 2, 3, 0]), b);
};

/** As {@link swapped} but a ConvTranspose (a true convolution) of the flipped kernel with the unflipped tiles. */
const swappedT: Formulation = (x, w, b, c, s) => {
  const g = x.graph;
  // out[y] = Σ_v x[v]·w̃[y − v + 3], w̃ = w; ConvTranspose: O[p] = Σ_u I[u]·K[p + pad − u]
  // with I = w (7×7), K = x: O[p] = Σ_u w[u]·x[p + pad − u] → want Σ_i w[i]·x[y + i − 3] → u = 6 − i... use flipped w
  const idx: number[] = [];
  for (let i = 0; i < K; i++) for (let j = 0; j < K; j++) idx.push((K - 1 - i) * K + (K - 1 - j));
  const img = reshape(gather(reshape(w, [c, K * K]), g.int64s(idx), 1), [1, c, K, K]);
  const kern = reshape(transpose(x, [1, 0, 2, 3]), [c, N, s, s]);
  const y = g.addNode("ConvTranspose", [img, kern], [{ dtype: "float32", shape: [1, c * N, s, s] }], {
    group: { kind: "int", value: c }, pads: { kind: "ints", value: [3, 3, 3, 3] }, kernel_shape: { kind: "ints", value: [s, s] },
  })[0] as Tensor;
  return add(transpose(reshape(y, [c, N, s, s]), [1, 2, 3, 0]), b);
};

/**
 * Rows as channels: each channel's H rows are the input channels of a 1×kw Conv whose Ho outputs are the output
 * rows (weight [C·Ho, H, 1, kw] from the kernel, zero where |row offset| > 3): a grouped Conv with C groups whose
 * per-group GEMM is [Ho, H·kw]·[H·kw, W] over an im2col of only kw× the input; NCHW in and out, no transposes.
 */
const rowsAsChannels: Formulation = (x, w, b, c, s) => {
  const g = x.graph;
  const placement = new Float32Array(K * K * s * s * K);
  for (let yo = 0; yo < s; yo++) for (let yi = 0; yi < s; yi++) for (let j = 0; j < K; j++) {
    const i = yi - yo + 3;
    if (i >= 0 && i < K) placement[(i * K + j) * s * s * K + (yo * s + yi) * K + j] = 1;
  }
  const wb = reshape(matmul(reshape(w, [c, K * K]), g.constant(placement, [K * K, s * s * K], "float32", "rows_placement")), [c * s, s, 1, K]);
  const bb = reshape(gather(reshape(b, [c, 1]), g.int64s(new Array<number>(s).fill(0)), 1), [c * s]);
  const y = g.addNode("Conv", [reshape(x, [N, c * s, 1, s]), wb, bb], [{ dtype: "float32", shape: [N, c * s, 1, s] }], {
    group: { kind: "int", value: c }, pads: { kind: "ints", value: [0, 3, 0, 3] }, kernel_shape: { kind: "ints", value: [1, K] },
  })[0] as Tensor;
  return toNhwc(reshape(y, [N, c, s, s]));
};

const formulations: Record<string, Formulation> = {
  conv: (x, w, b, c) => toNhwc(conv2d(x, w, b, { padding: [3, 3], groups: c })),
  rowsAsChannels,
  swapped,
  swappedT,
  convOnly: (x, w, b, c) => conv2d(x, w, b, { padding: [3, 3], groups: c }),
  blk2: blocked(2),
  blk4: blocked(4),
  dense,
  denseGemm,
};

for (const [c, s] of stages) {
  const x = Float32Array.from({ length: N * c * s * s }, () => Math.random() - 0.5);
  const w = Float32Array.from({ length: c * K * K }, () => Math.random() - 0.5);
  const b = Float32Array.from({ length: c }, () => Math.random() - 0.5);
  let ref: Float32Array | undefined;
  for (const [name, f] of Object.entries(formulations)) {
    if (only && !only.includes(name)) continue;
    if (name === "blk4" && s % 4) continue;
    if (name === "blk2" && s % 2) continue;
    if ((name.startsWith("dense") || name.startsWith("swapped")) && s > 14) continue;
    const g = new Graph({ name: "dw" });
    const y = f(g.input("x", [N, c, s, s]), g.input("w", [c, 1, K, K]), g.input("b", [c]), c, s);
    g.output("y", y);
    const prefix = join(tmpdir(), `osfm-dw-${process.pid}-${name}`);
    const sess = await Session.create(g, { intraOpThreads: env("THREADS", 1), memoryPattern: false, profileFilePrefix: prefix });
    let out: Float32Array | undefined;
    for (let i = 0; i < runs; i++) out = (await sess.run({ x: { data: x, dims: [N, c, s, s] }, w: { data: w, dims: [c, 1, K, K] }, b: { data: b, dims: [c] } })).y?.data as Float32Array;
    sess.ort.endProfiling();
    await sess.release();
    const found = readdirSync(dirname(prefix)).find((f2) => f2.startsWith(basename(prefix)) && f2.endsWith(".json")) as string;
    const ev = JSON.parse(readFileSync(join(dirname(prefix), found), "utf8")) as { cat: string; name: string; dur: number; args?: { op_name?: string } }[];
    rmSync(join(dirname(prefix), found));
    const nodes = ev.filter((e) => e.cat === "Node" && e.name.endsWith("_kernel_time"));
    const per = nodes.length / runs;
    const perRun = Array.from({ length: runs }, (_, r) => nodes.slice(r * per, (r + 1) * per).reduce((a, e) => a + e.dur, 0) / 1000).slice(1).sort((p, q) => p - q);
    const byOp = new Map<string, number>();
    for (const e of nodes.slice(per)) byOp.set(e.args?.op_name ?? "?", (byOp.get(e.args?.op_name ?? "?") ?? 0) + e.dur / 1000 / (runs - 1));
    if (name === "conv") ref = out;
    let err = 0;
    if (ref && out && name !== "convOnly") for (let i = 0; i < ref.length; i++) err = Math.max(err, Math.abs((ref[i] as number) - (out[i] as number)));
    console.log(`[${c},${s}] ${name.padEnd(10)} median ${perRun[perRun.length >> 1]?.toFixed(2)} ms  min ${perRun[0]?.toFixed(2)}  maxErr ${err.toExponential(1)}  ${[...byOp].map(([o, t]) => `${o} ${t.toFixed(1)}`).join(", ")}`);
  }
}
