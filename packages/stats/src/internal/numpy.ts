/**
 * Ports of the few NumPy kernels whose exact rounding or tie order decides scikit-learn's output:
 * the pairwise float sum used by `np.sum`/`np.mean`/`np.std` on contiguous rows, and the
 * introsort behind `np.argsort(kind="quicksort")` (not stable: ties come out in its own order).
 */

/** NumPy's pairwise summation of `a[off .. off+n)` (8 accumulators, blocks of 128). */
function pairwise(a: ArrayLike<number>, off: number, n: number): number {
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res += a[off + i] as number;
    return res;
  }
  if (n <= 128) {
    const r = [0, 0, 0, 0, 0, 0, 0, 0];
    for (let j = 0; j < 8; j++) r[j] = a[off + j] as number;
    let i = 8;
    for (; i < n - (n % 8); i += 8) for (let j = 0; j < 8; j++) (r[j] as number) += a[off + i + j] as number;
    let res = ((r[0]! + r[1]!) + (r[2]! + r[3]!)) + ((r[4]! + r[5]!) + (r[6]! + r[7]!));
    for (; i < n; i++) res += a[off + i] as number;
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pairwise(a, off, n2) + pairwise(a, off + n2, n - n2);
}

/** `np.add.reduce` over a contiguous float64 row: 0 plus NumPy's pairwise sum of all elements. */
export function npSum(a: ArrayLike<number>): number {
  return 0 + pairwise(a, 0, a.length);
}

/** `np.mean` of a contiguous 1-D float64 array. */
export function npMean(a: ArrayLike<number>): number {
  return npSum(a) / a.length;
}

/** `np.std` (ddof 0) of a contiguous 1-D float64 array. */
export function npStd(a: ArrayLike<number>): number {
  const m = npMean(a);
  const sq = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) {
    const d = (a[i] as number) - m;
    sq[i] = d * d;
  }
  return Math.sqrt(npSum(sq) / a.length);
}

/** `np.isclose(a, b)` with the default rtol 1e-5 and atol 1e-8. */
export function npIsClose(a: number, b: number): boolean {
  if (a === b) return true;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return false;
  return Math.abs(a - b) <= 1e-8 + 1e-5 * Math.abs(b);
}

const SMALL_QUICKSORT = 15;

function msb(n: number): number {
  let d = 0;
  while (n > 1) {
    n = Math.floor(n / 2);
    d++;
  }
  return d;
}

function aheapsort(v: ArrayLike<number>, idx: Int32Array, start: number, n: number): void {
  // 1-based view a[k] = idx[start + k - 1]
  const get = (k: number): number => idx[start + k - 1] as number;
  const set = (k: number, x: number): void => {
    idx[start + k - 1] = x;
  };
  let i: number;
  let j: number;
  let tmp: number;
  for (let l = n >> 1; l > 0; --l) {
    tmp = get(l);
    for (i = l, j = l << 1; j <= n; ) {
      if (j < n && (v[get(j)] as number) < (v[get(j + 1)] as number)) j += 1;
      if ((v[tmp] as number) < (v[get(j)] as number)) {
        set(i, get(j));
        i = j;
        j += j;
      } else break;
    }
    set(i, tmp);
  }
  for (; n > 1; ) {
    tmp = get(n);
    set(n, get(1));
    n -= 1;
    for (i = 1, j = 2; j <= n; ) {
      if (j < n && (v[get(j)] as number) < (v[get(j + 1)] as number)) j++;
      if ((v[tmp] as number) < (v[get(j)] as number)) {
        set(i, get(j));
        i = j;
        j += j;
      } else break;
    }
    set(i, tmp);
  }
}

/** `np.argsort(v)` with NumPy's default (introsort) kind, reproducing its order among ties. */
export function npArgsortQuick(v: ArrayLike<number>): Int32Array {
  const num = v.length;
  const idx = new Int32Array(num);
  for (let i = 0; i < num; i++) idx[i] = i;
  if (num < 2) return idx;
  const less = (a: number, b: number): boolean => (v[a] as number) < (v[b] as number);
  const swap = (a: number, b: number): void => {
    const t = idx[a] as number;
    idx[a] = idx[b] as number;
    idx[b] = t;
  };
  let pl = 0;
  let pr = num - 1;
  const stack: number[] = [];
  const depth: number[] = [];
  let cdepth = msb(num) * 2;
  for (;;) {
    let heap = false;
    if (cdepth < 0) {
      aheapsort(v, idx, pl, pr - pl + 1);
      heap = true;
    } else {
      while (pr - pl > SMALL_QUICKSORT) {
        const pm = pl + ((pr - pl) >> 1);
        if (less(idx[pm]!, idx[pl]!)) swap(pm, pl);
        if (less(idx[pr]!, idx[pm]!)) swap(pr, pm);
        if (less(idx[pm]!, idx[pl]!)) swap(pm, pl);
        const vp = v[idx[pm]!] as number;
        let pi = pl;
        let pj = pr - 1;
        swap(pm, pj);
        for (;;) {
          do ++pi;
          while ((v[idx[pi]!] as number) < vp);
          do --pj;
          while (vp < (v[idx[pj]!] as number));
          if (pi >= pj) break;
          swap(pi, pj);
        }
        swap(pi, pr - 1);
        if (pi - pl < pr - pi) {
          stack.push(pi + 1, pr);
          pr = pi - 1;
        } else {
          stack.push(pl, pi - 1);
          pl = pi + 1;
        }
        depth.push(--cdepth);
      }
    }
    if (!heap) {
      for (let pi = pl + 1; pi <= pr; ++pi) {
        const vi = idx[pi]!;
        const vpv = v[vi] as number;
        let pj = pi;
        let pk = pi - 1;
        while (pj > pl && vpv < (v[idx[pk]!] as number)) idx[pj--] = idx[pk--]!;
        idx[pj] = vi;
      }
    }
    if (stack.length === 0) break;
    pr = stack.pop()!;
    pl = stack.pop()!;
    cdepth = depth.pop()!;
  }
  return idx;
}

/** Stable ascending argsort (`np.argsort(kind="mergesort")`). */
export function argsortStable(v: ArrayLike<number>): Int32Array {
  const idx = Array.from({ length: v.length }, (_, i) => i);
  idx.sort((a, b) => (v[a] as number) - (v[b] as number) || a - b);
  return Int32Array.from(idx);
}
