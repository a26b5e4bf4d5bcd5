/** Objective: returns f(x) and writes ∇f(x) into `grad`. */
export type Objective = (x: Float64Array, grad: Float64Array) => number;

/** Options of {@link lbfgs}. */
export interface LbfgsOptions {
  /** Iteration limit. @default 1000 */
  maxIter?: number;
  /** Stop when max |∇f| ≤ tol. @default 1e-8 */
  tol?: number;
  /**
   * Also stop when the relative decrease (f_k − f_{k+1}) / max(|f_k|, |f_{k+1}|, ftolFloor) ≤ ftol, SciPy
   * L-BFGS-B's `ftol` (factr·eps) test. @default 0 (off)
   */
  ftol?: number;
  /** Floor of the denominator of the `ftol` test (SciPy's is 1; 1/s for an objective scaled by 1/s). @default 1 */
  ftolFloor?: number;
  /** Number of correction pairs kept. @default 10 */
  memory?: number;
  /** Aborts between iterations (throws the signal's reason). */
  signal?: AbortSignal;
}

/** Outcome of {@link lbfgs}. */
export interface LbfgsResult {
  x: Float64Array;
  f: number;
  iterations: number;
  converged: boolean;
  gradMax: number;
}

const dot = (a: Float64Array, b: Float64Array): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
};
const maxAbs = (a: Float64Array): number => {
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const v = Math.abs(a[i]!);
    if (v > m) m = v;
  }
  return m;
};

/**
 * Limited-memory BFGS with a strong-Wolfe line search (Nocedal & Wright, Alg. 7.4, 3.5–3.6), for the smooth
 * convex objectives of the probes.
 */
export function lbfgs(fg: Objective, x0: Float64Array, options: LbfgsOptions = {}): LbfgsResult {
  const { maxIter = 1000, tol = 1e-8, ftol = 0, ftolFloor = 1, memory = 10, signal } = options;
  const n = x0.length;
  let x: Float64Array = Float64Array.from(x0);
  let g: Float64Array = new Float64Array(n);
  let f = fg(x, g);
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  const spare: Float64Array[] = [];
  const d = new Float64Array(n);
  const alpha = new Float64Array(memory);
  let iter = 0;
  let gmax = maxAbs(g);
  while (iter < maxIter && gmax > tol) {
    signal?.throwIfAborted();
    // two-loop recursion: d = −H ∇f
    d.set(g);
    for (let i = S.length - 1; i >= 0; i--) {
      const a = (rho[i] as number) * dot(S[i] as Float64Array, d);
      alpha[i] = a;
      const yi = Y[i] as Float64Array;
      for (let j = 0; j < n; j++) d[j]! -= a * (yi[j] as number);
    }
    if (S.length > 0) {
      const yl = Y[S.length - 1] as Float64Array;
      const gamma = dot(S[S.length - 1] as Float64Array, yl) / dot(yl, yl);
      for (let j = 0; j < n; j++) d[j]! *= gamma;
    } else {
      const s = 1 / Math.max(1, maxAbs(g));
      for (let j = 0; j < n; j++) d[j]! *= s;
    }
    for (let i = 0; i < S.length; i++) {
      const b = (rho[i] as number) * dot(Y[i] as Float64Array, d);
      const si = S[i] as Float64Array;
      for (let j = 0; j < n; j++) d[j]! += si[j]! * ((alpha[i] as number) - b);
    }
    for (let j = 0; j < n; j++) d[j] = -(d[j] as number);
    let dg = dot(d, g);
    if (!(dg < 0)) {
      // not a descent direction: restart from steepest descent
      S.length = 0;
      Y.length = 0;
      rho.length = 0;
      const s = 1 / Math.max(1, maxAbs(g));
      for (let j = 0; j < n; j++) d[j] = -(g[j] as number) * s;
      dg = dot(d, g);
    }
    const ls = wolfe(fg, x, f, g, d, dg);
    if (ls === null) break;
    const s = spare.pop() ?? new Float64Array(n);
    const yv = spare.pop() ?? new Float64Array(n);
    for (let j = 0; j < n; j++) {
      s[j] = (ls.x[j] as number) - (x[j] as number);
      yv[j] = (ls.g[j] as number) - (g[j] as number);
    }
    const sy = dot(s, yv);
    const fPrev = f;
    x = ls.x;
    g = ls.g;
    f = ls.f;
    gmax = maxAbs(g);
    iter++;
    if (sy > 1e-300) {
      if (S.length === memory) {
        // the oldest pair's arrays are reused by the next iteration
        spare.push(S.shift() as Float64Array, Y.shift() as Float64Array);
        rho.shift();
      }
      S.push(s);
      Y.push(yv);
      rho.push(1 / sy);
    } else spare.push(s, yv);
    if (Math.abs(fPrev - f) <= 1e-16 * Math.max(1, Math.abs(f)) && gmax > tol) {
      // no measurable progress left in double precision
      break;
    }
    if (ftol > 0 && fPrev - f <= ftol * Math.max(Math.abs(fPrev), Math.abs(f), ftolFloor)) break;
  }
  return { x, f, iterations: iter, converged: gmax <= tol, gradMax: gmax };
}

interface Point {
  x: Float64Array;
  f: number;
  g: Float64Array;
  dg: number;
  a: number;
}

function wolfe(fg: Objective, x: Float64Array, f0: number, g0: Float64Array, d: Float64Array, dg0: number): Point | null {
  const c1 = 1e-4;
  const c2 = 0.9;
  const n = x.length;
  const at = (a: number): Point => {
    const xa = new Float64Array(n);
    for (let j = 0; j < n; j++) xa[j] = (x[j] as number) + a * (d[j] as number);
    const ga = new Float64Array(n);
    const fa = fg(xa, ga);
    return { x: xa, f: fa, g: ga, dg: dot(ga, d), a };
  };
  let prev: Point = { x, f: f0, g: g0, dg: dg0, a: 0 };
  let a = 1;
  for (let i = 0; i < 40; i++) {
    const p = at(a);
    if (!Number.isFinite(p.f) || p.f > f0 + c1 * a * dg0 || (i > 0 && p.f >= prev.f)) return zoom(at, prev, p, f0, dg0, c1, c2);
    if (Math.abs(p.dg) <= -c2 * dg0) return p;
    if (p.dg >= 0) return zoom(at, p, prev, f0, dg0, c1, c2);
    prev = p;
    a *= 2;
  }
  return prev.a > 0 ? prev : null;
}

function zoom(at: (a: number) => Point, lo: Point, hi: Point, f0: number, dg0: number, c1: number, c2: number): Point | null {
  for (let i = 0; i < 60; i++) {
    // safeguarded quadratic interpolation on (lo.f, lo.dg, hi.f)
    const span = hi.a - lo.a;
    let a = lo.a - (lo.dg * span * span) / (2 * (hi.f - lo.f - lo.dg * span));
    const left = Math.min(lo.a, hi.a);
    const right = Math.max(lo.a, hi.a);
    if (!Number.isFinite(a) || a <= left + 0.1 * (right - left) || a >= right - 0.1 * (right - left)) a = (lo.a + hi.a) / 2;
    const p = at(a);
    if (!Number.isFinite(p.f) || p.f > f0 + c1 * a * dg0 || p.f >= lo.f) hi = p;
    else {
      if (Math.abs(p.dg) <= -c2 * dg0) return p;
      if (p.dg * (hi.a - lo.a) >= 0) hi = lo;
      lo = p;
    }
    if (Math.abs(hi.a - lo.a) < 1e-16 * Math.max(1, Math.abs(lo.a))) break;
  }
  return lo.a > 0 && lo.f < f0 ? lo : null;
}
