import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { reportComparison, runPythonJson } from "@osfm/bench-harness";
import { bootstrapCi, LogisticRegression, ovrAurocStatistic } from "../src/index";

/**
 * `npm run bench -w @osfm/stats [-- --reduced]`: ours and scikit-learn on the same data in the same run.
 * Full size: 1,000 bootstrap resamples of macro OvR AUROC on 10,000 × 31, and a logistic-regression fit on
 * 10,000 × 768 × 31 (both max_iter 100). `--reduced` (or OSFM_BENCH_REDUCED=1) shrinks both for a shared machine;
 * `--only=auroc` or `--only=logreg` runs one of the two; OSFM_BENCH_ROUNDS sets the logistic fit's interleaved
 * rounds (default 3, reduced 1), whose medians are reported.
 */
const reduced = process.argv.includes("--reduced") || process.env.OSFM_BENCH_REDUCED === "1";
const rounds = Number(process.env.OSFM_BENCH_ROUNDS ?? (reduced ? 1 : 3));
const only = process.argv.find((a) => a.startsWith("--only="))?.slice("--only=".length);
const here = path.dirname(fileURLToPath(import.meta.url));
const script = path.resolve(here, "../../../tooling/reference/stats/bench_stats.py");
const dir = mkdtempSync(path.join(tmpdir(), "osfm-stats-bench-"));

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const gauss = (r: () => number): number => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());

function aurocBootstrap(): void {
  const n = 10_000;
  const k = 31;
  const B = reduced ? 100 : 1000;
  const r = rng(1);
  const y = Int32Array.from({ length: n }, (_, i) => (i < k ? i : Math.floor(r() * k)));
  const probs: Float64Array[] = [];
  const flat = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    const z = Float64Array.from({ length: k }, (_, c) => gauss(r) + (c === y[i] ? 1.5 : 0));
    const m = Math.max(...z);
    let s = 0;
    for (let c = 0; c < k; c++) s += (z[c] = Math.exp(z[c]! - m));
    for (let c = 0; c < k; c++) z[c]! /= s;
    probs.push(z);
    flat.set(z, i * k);
  }
  writeFileSync(path.join(dir, "y.bin"), Buffer.from(y.buffer));
  writeFileSync(path.join(dir, "p.bin"), Buffer.from(flat.buffer));
  const t0 = process.hrtime.bigint();
  const ci = bootstrapCi(ovrAurocStatistic, { yTrue: y, probs }, { nResamples: B, seed: 42 });
  const ours = Number(process.hrtime.bigint() - t0) / 1e9;
  const ref = runPythonJson<{ seconds: number; first: number; last: number; sklearn: string }>(script, ["auroc-bootstrap", dir, String(n), String(k), String(B)]);
  reportComparison({
    bench: "stats.bootstrap-ovr-auroc",
    unit: "resamples/s",
    ours: B / ours,
    reference: B / ref.seconds,
    referenceName: `scikit-learn-${ref.sklearn}`,
    kind: "rate",
    threads: 1,
    extra: { n, k, resamples: B, reduced: String(reduced), maxAbsDiffFirstLast: Math.max(Math.abs(ci.distribution[0]! - ref.first), Math.abs(ci.distribution[B - 1]! - ref.last)) },
  });
}

/**
 * The same fit at 1 and at 2 threads on both sides: ours with `threads` extra workers (0 or 1), scikit-learn
 * with OPENBLAS_NUM_THREADS set to match (its lbfgs loss runs in OpenBLAS GEMMs). Both stop by the same rules:
 * max |∇| ≤ tol, or SciPy L-BFGS-B's relative-decrease test at its default ftol, which scikit-learn 1.2's lbfgs
 * inherits (it usually stops there first). Iterations and loss evaluations are reported beside the times.
 */
const SCIPY_FTOL = 1e7 * 2.220446049250313e-16;
function logregFit(): void {
  const n = reduced ? 2000 : 10_000;
  const d = 768;
  const k = 31;
  const maxIter = 100;
  const r = rng(2);
  const centers = Array.from({ length: k }, () => Float64Array.from({ length: d }, () => gauss(r) * 0.15));
  const X = new Float64Array(n * d);
  const y = Int32Array.from({ length: n }, (_, i) => (i < k ? i : Math.floor(r() * k)));
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) X[i * d + j] = centers[y[i]!]![j]! + gauss(r);
  writeFileSync(path.join(dir, "X.bin"), Buffer.from(X.buffer));
  writeFileSync(path.join(dir, "y.bin"), Buffer.from(y.buffer));
  const median = (v: number[]): number => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
  for (const threads of [2, 1]) {
    // interleaved rounds, medians reported: the machine is shared, so one pair of runs can be off by 2×
    const oursRuns: number[] = [];
    const oursCpu: number[] = [];
    const refRuns: number[] = [];
    const refCpu: number[] = [];
    const load0 = loadavg()[0]!;
    let m = new LogisticRegression();
    let ref = { seconds: 0, cpu_seconds: 0, n_iter: 0, nfev: 0, blas_threads: 0, sklearn: "" };
    for (let round = 0; round < rounds; round++) {
      const t0 = process.hrtime.bigint();
      const c0 = process.cpuUsage();
      // scikit-learn's tol 1e-4 bounds the gradient of the summed loss; ours is the mean loss, hence / n
      m = new LogisticRegression({ C: 1, maxIter, tol: 1e-4 / n, ftol: SCIPY_FTOL, threads: threads - 1 }).fit({ data: X, rows: n, cols: d }, y);
      oursRuns.push(Number(process.hrtime.bigint() - t0) / 1e9);
      const cpu = process.cpuUsage(c0);
      oursCpu.push((cpu.user + cpu.system) / 1e6);
      ref = runPythonJson<typeof ref>(script, ["logreg-fit", dir, String(n), String(d), String(k), String(maxIter)], { OPENBLAS_NUM_THREADS: String(threads) });
      refRuns.push(ref.seconds);
      refCpu.push(ref.cpu_seconds);
    }
    const ours = median(oursRuns);
    const refSeconds = median(refRuns);
    reportComparison({
      bench: threads === 2 ? "stats.logreg-fit-768x31" : "stats.logreg-fit-768x31-1thread",
      unit: "s",
      ours,
      reference: refSeconds,
      referenceName: `scikit-learn-${ref.sklearn}-lbfgs`,
      kind: "time",
      threads: m.threadsUsed,
      extra: {
        n,
        d,
        k,
        maxIter,
        kernel: m.simdUsed ? "wasm-simd" : "js-scalar",
        oursConverged: String(m.converged),
        oursIterations: m.nIter,
        referenceIterations: ref.n_iter,
        oursEvaluations: m.nEval,
        referenceEvaluations: ref.nfev,
        oursMsPerEvaluation: Number(((ours * 1000) / m.nEval).toFixed(1)),
        referenceMsPerEvaluation: Number(((refSeconds * 1000) / ref.nfev).toFixed(1)),
        referenceThreads: ref.blas_threads,
        // CPU seconds (all threads) are less sensitive to the load than wall time; OpenBLAS's 2 threads spin while waiting
        cpuRatio: Number((median(refCpu) / median(oursCpu)).toFixed(3)),
        oursRuns: oursRuns.map((t) => t.toFixed(2)).join(" "),
        oursCpuSeconds: oursCpu.map((t) => t.toFixed(2)).join(" "),
        referenceRuns: refRuns.map((t) => t.toFixed(2)).join(" "),
        referenceCpuSeconds: refCpu.map((t) => t.toFixed(2)).join(" "),
        load1m: `${load0.toFixed(2)}→${loadavg()[0]!.toFixed(2)}`,
        reduced: String(reduced),
      },
    });
  }
}

try {
  if (only !== "logreg") aurocBootstrap();
  if (only !== "auroc") logregFit();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
