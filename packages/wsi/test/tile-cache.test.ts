import { describe, expect, it } from "vitest";
import { TileCache } from "../src/slide/tile-cache";

describe("TileCache", () => {
  it("keeps at most maxBytes, evicting the least recently used tile first", async () => {
    const cache = new TileCache(3000);
    let loads = 0;
    const load = (n: number) => async () => { loads++; return new Uint8Array(1000).fill(n); };
    await cache.get("a", load(1));
    await cache.get("b", load(2));
    await cache.get("c", load(3));
    expect(cache.size).toBe(3000);
    await cache.get("a", load(9)); // hit: "a" becomes most recent
    await cache.get("d", load(4)); // evicts "b"
    expect(cache.size).toBe(3000);
    expect(loads).toBe(4);
    expect((await cache.get("a", load(9)))?.[0]).toBe(1);
    await cache.get("b", load(5));
    expect(loads).toBe(5);
    const tooBig = await cache.get("huge", async () => new Uint8Array(5000));
    expect(tooBig?.length).toBe(5000);
    expect(cache.size).toBeLessThanOrEqual(3000);
  });

  it("shares one in-flight load between concurrent readers and does not cache failures", async () => {
    const cache = new TileCache(1 << 20);
    let loads = 0;
    const slow = async () => { loads++; await new Promise((r) => setTimeout(r, 10)); return new Uint8Array(8); };
    await Promise.all([cache.get("k", slow), cache.get("k", slow), cache.get("k", slow)]);
    expect(loads).toBe(1);
    await expect(cache.get("bad", async () => { throw new Error("boom"); })).rejects.toThrow("boom");
    expect(await cache.get("bad", async () => new Uint8Array(1))).toHaveLength(1);
  });

  it("charges a buffer shared by several tiles once, while any of them is cached", async () => {
    const cache = new TileCache(5000);
    const batch = new Uint8Array(3000); // one decode of three 1000-byte tiles
    const views = [0, 1, 2].map((k) => batch.subarray(k * 1000, (k + 1) * 1000));
    await Promise.all(cache.getMany(["a", "b", "c"], async () => views));
    expect(cache.size).toBe(3000);
    await cache.get("d", async () => new Uint8Array(1000));
    expect(cache.size).toBe(4000);
    await cache.get("a", async () => new Uint8Array(1)); // hit: "a" becomes most recent
    // 2,000 more bytes: "b" and "c" go, but "a" still keeps the whole batch, so "d" goes too
    await cache.get("e", async () => new Uint8Array(2000));
    expect(cache.size).toBe(5000);
    let loads = 0;
    const load = async () => { loads++; return new Uint8Array(1); };
    for (const k of ["a", "e"]) await cache.get(k, load);
    expect(loads).toBe(0);
    for (const k of ["b", "c", "d"]) await cache.get(k, load);
    expect(loads).toBe(3);
  });

  it("lookup returns a cached value or an in-flight load without starting one, and marks it recently used", async () => {
    const cache = new TileCache(2000);
    expect(cache.lookup("a")).toBeUndefined();
    let release: (v: Uint8Array) => void = () => undefined;
    const inflight = cache.get("a", () => new Promise<Uint8Array>((r) => { release = r; }));
    const pending = cache.lookup("a");
    expect(pending).toBeInstanceOf(Promise);
    release(new Uint8Array(1000));
    expect(await pending).toBe(await inflight);
    await cache.get("b", async () => new Uint8Array(1000));
    expect(cache.lookup("a")).toBe(await inflight); // "a" is now the most recent: "b" goes first
    await cache.get("c", async () => new Uint8Array(1000));
    expect(cache.lookup("b")).toBeUndefined();
    expect(cache.lookup("a")).toBeInstanceOf(Uint8Array);
  });

  it("take hands over a value loaded ahead that no reader was given, once, and frees its bytes", async () => {
    const cache = new TileCache(10000);
    const tile = (n: number) => new Uint8Array(1000).fill(n);
    await Promise.all(cache.getMany(["a", "b", "c", "d"], async () => [tile(1), tile(2), tile(3), tile(4)], true));
    expect(cache.size).toBe(4000);
    const a = cache.take("a");
    expect(a?.[0]).toBe(1);
    expect(cache.size).toBe(3000);
    expect(cache.take("a")).toBeUndefined(); // gone: a second taker gets nothing
    expect(cache.has("a")).toBe(false);
    // a reader given the value (a hit, through get or getMany or lookup) means it can no longer be taken
    await cache.get("b", async () => tile(9));
    expect(cache.take("b")).toBeUndefined();
    await Promise.all(cache.getMany(["c"], async () => [tile(9)]));
    expect(cache.take("c")).toBeUndefined();
    expect(cache.lookup("d")).toBeInstanceOf(Uint8Array);
    expect(cache.take("d")).toBeUndefined();
    // a read-ahead hit does not count as given
    await cache.get("e", async () => tile(5));
    await Promise.all(cache.getMany(["f"], async () => [tile(6)], true));
    await Promise.all(cache.getMany(["f"], async () => [tile(0)], true));
    expect(cache.take("e")).toBeUndefined(); // loaded for a reader
    expect(cache.take("f")?.[0]).toBe(6);
  });

  it("take refuses a value whose load was shared with a reader while in flight, and a view of a shared buffer", async () => {
    const cache = new TileCache(10000);
    let release: (v: (Uint8Array | null | Error)[]) => void = () => undefined;
    const [ahead] = cache.getMany(["a"], () => new Promise((r) => { release = r; }), true);
    expect(cache.has("a")).toBe(true);
    const settled = cache.loaded("a");
    const reader = cache.get("a", async () => new Uint8Array(1)); // shares the in-flight load
    release([new Uint8Array(1000)]);
    await Promise.all([ahead, reader, settled]);
    expect(cache.take("a")).toBeUndefined();
    expect(cache.loaded("a")).toBeUndefined(); // nothing in flight any more
    const batch = new Uint8Array(2000);
    await Promise.all(cache.getMany(["v", "w"], async () => [batch.subarray(0, 1000), batch.subarray(1000)], true));
    expect(cache.take("v")).toBeUndefined();
  });

  it("getMany with one promise per position settles each key on its own", async () => {
    const cache = new TileCache(10000);
    let releaseB: (v: Uint8Array) => void = () => undefined;
    const a = new Uint8Array(100);
    const [pa, pb, pc] = cache.getMany(["a", "b", "c"], () => [
      Promise.resolve(a),
      new Promise<Uint8Array>((r) => { releaseB = r; }),
      Promise.resolve(new Error("tile c is corrupt")),
    ]);
    expect(await pa).toBe(a); // while "b" is still decoding
    expect(cache.lookup("a")).toBe(a);
    expect(cache.lookup("b")).toBeInstanceOf(Promise);
    await expect(pc).rejects.toThrow("tile c is corrupt");
    expect(cache.lookup("c")).toBeUndefined(); // a failed tile is not cached
    releaseB(new Uint8Array(200));
    expect((await pb)?.length).toBe(200);
  });
});
