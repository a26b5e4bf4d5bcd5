/** What the cache can hold: pixels, or an object holding them in `data` (e.g. a decoded window of a tile). */
export type Cacheable = Uint8Array | { readonly data: Uint8Array };

/**
 * A least-recently-used cache of decoded tiles bounded in bytes (of the buffers the tiles keep alive). Concurrent requests for the same
 * key share one decode (the in-flight promise is remembered until it settles).
 */
export class TileCache<V extends Cacheable = Uint8Array> {
  readonly maxBytes: number;
  private bytes = 0;
  private readonly entries = new Map<string, V | null>();
  private readonly pending = new Map<string, Promise<V | null>>();
  /** Cached tiles per underlying buffer. */
  private readonly buffers = new Map<ArrayBufferLike, number>();

  /** @param maxBytes capacity in bytes; 0 disables caching (in-flight sharing still applies). */
  constructor(maxBytes: number) {
    this.maxBytes = Math.max(0, maxBytes);
  }

  /** Bytes currently held. */
  get size(): number {
    return this.bytes;
  }

  /** Returns the cached value for `key`, or computes it with `load` and stores it. */
  async get(key: string, load: () => Promise<V | null>): Promise<V | null> {
    const hit = this.entries.get(key);
    if (hit !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    const inflight = this.pending.get(key);
    if (inflight !== undefined) return inflight;
    const p = load().then(
      (value) => {
        this.pending.delete(key);
        this.put(key, value);
        return value;
      },
      (err: unknown) => {
        this.pending.delete(key);
        throw err;
      },
    );
    this.pending.set(key, p);
    return p;
  }

  /**
   * Like {@link get} for several keys at once: hits and in-flight loads are reused, the remaining keys
   * are loaded together by one `loadMany(positions)` call (positions index into `keys`). An `Error` in
   * its result fails that key only (nothing is cached for it). Returns one promise per key.
   */
  getMany(keys: string[], loadMany: (positions: number[]) => Promise<(V | null | Error)[]>): Promise<V | null>[] {
    const out: Promise<V | null>[] = new Array(keys.length);
    const missing: number[] = [];
    keys.forEach((key, i) => {
      const hit = this.entries.get(key);
      if (hit !== undefined) {
        this.entries.delete(key);
        this.entries.set(key, hit);
        out[i] = Promise.resolve(hit);
        return;
      }
      const inflight = this.pending.get(key);
      if (inflight !== undefined) out[i] = inflight;
      else missing.push(i);
    });
    if (missing.length > 0) {
      const batch = loadMany(missing);
      missing.forEach((i, j) => {
        const key = keys[i] as string;
        const p = batch.then(
          (values) => {
            this.pending.delete(key);
            const value = values[j] ?? null;
            if (value instanceof Error) throw value;
            this.put(key, value);
            return value;
          },
          (err: unknown) => {
            this.pending.delete(key);
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

  private put(key: string, value: V | null): void {
    if (this.entries.has(key)) return;
    // a tile may be a view into a buffer it shares with other tiles (one batched decode): the buffer is
    // charged once, while any of its tiles is cached, so the bound holds for the memory really kept
    const buffer = value === null ? undefined : bufferOf(value);
    const refs = buffer === undefined ? 0 : (this.buffers.get(buffer) ?? 0);
    const cost = value === null ? 64 : refs > 0 ? 0 : (buffer as ArrayBufferLike).byteLength;
    if (cost > this.maxBytes) return;
    this.entries.set(key, value);
    if (buffer !== undefined) this.buffers.set(buffer, refs + 1);
    this.bytes += cost;
    for (const [k, v] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(k);
      this.release(v);
    }
  }

  private release(v: V | null): void {
    if (v === null) { this.bytes -= 64; return; }
    const buffer = bufferOf(v);
    const refs = this.buffers.get(buffer) ?? 1;
    if (refs > 1) { this.buffers.set(buffer, refs - 1); return; }
    this.buffers.delete(buffer);
    this.bytes -= buffer.byteLength;
  }

  /**
   * The cached value of `key` (marked recently used) or its in-flight load, without starting one;
   * undefined when neither exists.
   */
  lookup(key: string): V | null | Promise<V | null> | undefined {
    const hit = this.entries.get(key);
    if (hit !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    return this.pending.get(key);
  }

  /** Forgets `key` (an in-flight load still settles for those waiting on it, and is not cached). */
  delete(key: string): void {
    const v = this.entries.get(key);
    if (v === undefined) return;
    this.entries.delete(key);
    this.release(v);
  }

  /** Drops every entry. */
  clear(): void {
    this.entries.clear();
    this.buffers.clear();
    this.bytes = 0;
  }
}

function bufferOf(value: Cacheable): ArrayBufferLike {
  return value instanceof Uint8Array ? value.buffer : value.data.buffer;
}
