/**
 * MT19937 seeded like NumPy's legacy `np.random.RandomState(seed)` (init_genrand), with the bounded
 * integer draw NumPy uses in `shuffle`/`permutation`, so shuffled splitters give scikit-learn's folds.
 */
export class Mt19937 {
  private readonly mt = new Uint32Array(624);
  private index = 624;

  /** @param seed integer in [0, 2^32 - 1], as `RandomState` accepts. */
  constructor(seed: number) {
    const mt = this.mt;
    mt[0] = seed >>> 0;
    for (let i = 1; i < 624; i++) {
      const prev = mt[i - 1] as number;
      const x = prev ^ (prev >>> 30);
      // 1812433253 * x + i, modulo 2^32, without losing precision
      mt[i] = (Math.imul(1812433253, x) + i) >>> 0;
    }
  }

  private twist(): void {
    const mt = this.mt;
    for (let i = 0; i < 624; i++) {
      const y = ((mt[i] as number) & 0x80000000) | ((mt[(i + 1) % 624] as number) & 0x7fffffff);
      let v = (mt[(i + 397) % 624] as number) ^ (y >>> 1);
      if (y & 1) v ^= 0x9908b0df;
      mt[i] = v >>> 0;
    }
    this.index = 0;
  }

  /** Next raw 32-bit output (`genrand_int32`). */
  nextUint32(): number {
    if (this.index >= 624) this.twist();
    let y = this.mt[this.index++] as number;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** Uniform integer in [0, max] by masked rejection (NumPy `random_interval`, max < 2^32). */
  interval(max: number): number {
    if (max === 0) return 0;
    let mask = max;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    mask >>>= 0;
    let value: number;
    do value = (this.nextUint32() & mask) >>> 0;
    while (value > max);
    return value;
  }

  /** In-place Fisher–Yates shuffle in NumPy's order (`RandomState.shuffle`). */
  shuffle<T>(x: { length: number; [i: number]: T }): void {
    for (let i = x.length - 1; i > 0; i--) {
      const j = this.interval(i);
      const t = x[i] as T;
      x[i] = x[j] as T;
      x[j] = t;
    }
  }

  /** Uniform double in [0, 1) with 53 random bits (`random_sample`). */
  random(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }
}
