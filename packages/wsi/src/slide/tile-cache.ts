/**
 * A least-recently-used cache of decoded tiles bounded in bytes (of the buffers the tiles keep alive). Concurrent requests for the same
 * key share one decode (the in-flight promise is remembered until it settles). A tile loaded ahead of
 * need (read-ahead) that no reader has been given yet can be {@link take}n out, so that a read which
 * wants exactly that tile owns its buffer instead of copying it.
 */
export class TileCache {
  readonly maxBytes: number;
  private bytes = 0;
  private readonly entries = new Map<string, Uint8Array | null>();
  private readonly pending = new Map<string, Promise<Uint8Array | null>>();
  /** Cached tiles per underlying buffer. */
  private readonly buffers = new Map<ArrayBufferLike, number>();
  /** Cached keys loaded ahead of need whose value no reader has been given (see {@link take}). */
  private readonly untouched = new Set<string>();
  /** In-flight loads started ahead of need whose promise a reader has been given since. */
  private readonly givenWhileLoading = new Set<string>();

  /** @param maxBytes capacity in bytes; 0 disables caching (in-flight sharing still applies). */
  constructor(maxBytes: number) {
    this.maxBytes = Math.max(0, maxBytes);
  }

  /** Bytes currently held. */
  get size(): number {
    return this.bytes;
  }

  /** Returns the cached value for `key`, or computes it with `load` and stores it. */
  async get(key: string, load: () => Promise<Uint8Array | null>): Promise<Uint8Array | null> {
    const hit = this.touch(key, true);
    if (hit !== undefined) return hit;
    const inflight = this.pending.get(key);
    if (inflight !== undefined) {
      this.givenWhileLoading.add(key);
      return inflight;
    }
    const p = load().then(
      (value) => {
        this.pending.delete(key);
        this.givenWhileLoading.delete(key);
        this.put(key, value);
        return value;
      },
      (err: unknown) => {
        this.pending.delete(key);
        this.givenWhileLoading.delete(key);
        throw err;
      },
    );
    this.pending.set(key, p);
    return p;
  }

  /**
   * Like {@link get} for several keys at once: hits and in-flight loads are reused, the remaining keys
   * are loaded together by one `loadMany(positions)` call (positions index into `keys`), which returns
   * either one promise for all of them or one promise per position (each key then settles on its own).
   * An `Error` in its result fails that key only (nothing is cached for it). Returns one promise per key.
   * @param ahead true when the caller only wants the values cached (read-ahead) and does not use them:
   *   values it loads stay available to {@link take} until a reader is given them. @default false
   */
  getMany(
    keys: string[],
    loadMany: (positions: number[]) => Promise<(Uint8Array | null | Error)[]> | Promise<Uint8Array | null | Error>[],
    ahead = false,
  ): Promise<Uint8Array | null>[] {
    const out: Promise<Uint8Array | null>[] = new Array(keys.length);
    const missing: number[] = [];
    keys.forEach((key, i) => {
      const hit = this.touch(key, !ahead);
      if (hit !== undefined) {
        out[i] = Promise.resolve(hit);
        return;
      }
      const inflight = this.pending.get(key);
      if (inflight === undefined) missing.push(i);
      else {
        if (!ahead) this.givenWhileLoading.add(key);
        out[i] = inflight;
      }
    });
    if (missing.length > 0) {
      const batch = loadMany(missing);
      const each = Array.isArray(batch) ? batch : missing.map((_, j) => batch.then((values) => values[j] ?? null));
      missing.forEach((i, j) => {
        const key = keys[i] as string;
        const p = (each[j] as Promise<Uint8Array | null | Error>).then(
          (loaded) => {
            this.pending.delete(key);
            const given = this.givenWhileLoading.delete(key);
            const value = loaded ?? null;
            if (value instanceof Error) throw value;
            this.put(key, value, ahead && !given);
            return value;
          },
          (err: unknown) => {
            this.pending.delete(key);
            this.givenWhileLoading.delete(key);
            throw err;
          },
        );
        p.catch(() => undefined); // observed by the caller; never an unhandled rejection
        this.pending.set(key, p);
        out[i] = p;
      });
    }
    return out;
  }

  /** The cached value of `key`, marked recently used (and, when `given`, as given to a reader). */
  private touch(key: string, given: boolean): Uint8Array | null | undefined {
    const hit = this.entries.get(key);
    if (hit === undefined) return undefined;
    this.entries.delete(key);
    this.entries.set(key, hit);
    if (given) this.untouched.delete(key);
    return hit;
  }

  private put(key: string, value: Uint8Array | null, untouched = false): void {
    if (this.entries.has(key)) return;
    // a tile may be a view into a buffer it shares with other tiles (one batched decode): the buffer is
    // charged once, while any of its tiles is cached, so the bound holds for the memory really kept
    const buffer = value?.buffer;
    const refs = buffer === undefined ? 0 : (this.buffers.get(buffer) ?? 0);
    const cost = value === null ? 64 : refs > 0 ? 0 : (buffer as ArrayBufferLike).byteLength;
    if (cost > this.maxBytes) return;
    this.entries.set(key, value);
    if (untouched) this.untouched.add(key);
    if (buffer !== undefined) this.buffers.set(buffer, refs + 1);
    this.bytes += cost;
    for (const [k, v] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(k);
      this.untouched.delete(k);
      this.release(v);
    }
  }

  private release(v: Uint8Array | null): void {
    if (v === null) { this.bytes -= 64; return; }
    const refs = this.buffers.get(v.buffer) ?? 1;
    if (refs > 1) { this.buffers.set(v.buffer, refs - 1); return; }
    this.buffers.delete(v.buffer);
    this.bytes -= v.buffer.byteLength;
  }

  /**
   * The cached value of `key` (marked recently used) or its in-flight load, without starting one;
   * undefined when neither exists.
   */
  lookup(key: string): Uint8Array | null | Promise<Uint8Array | null> | undefined {
    const hit = this.touch(key, true);
    if (hit !== undefined) return hit;
    const inflight = this.pending.get(key);
    if (inflight !== undefined) this.givenWhileLoading.add(key);
    return inflight;
  }

  /** Whether `key` is cached or being loaded (nothing is marked used or given). */
  has(key: string): boolean {
    return this.entries.has(key) || this.pending.has(key);
  }

  /** Settles when the in-flight load of `key` does (never rejects); undefined when none is running. */
  loaded(key: string): Promise<void> | undefined {
    return this.pending.get(key)?.then(() => undefined, () => undefined);
  }

  /**
   * Removes and returns the value of `key` when it was loaded ahead of need, no reader has been given
   * it, and it owns its whole buffer: the caller then owns the buffer and may change it. Undefined
   * otherwise (the caller reads the tile as usual and copies what it needs).
   */
  take(key: string): Uint8Array | undefined {
    const value = this.entries.get(key);
    if (value === undefined || value === null || !this.untouched.has(key)) return undefined;
    if (value.byteOffset !== 0 || value.byteLength !== value.buffer.byteLength || this.buffers.get(value.buffer) !== 1) return undefined;
    this.entries.delete(key);
    this.untouched.delete(key);
    this.release(value);
    return value;
  }

  /** Drops every entry. */
  clear(): void {
    this.entries.clear();
    this.buffers.clear();
    this.untouched.clear();
    this.givenWhileLoading.clear();
    this.bytes = 0;
  }
}
