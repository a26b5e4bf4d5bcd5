import { Rng } from "@osfm/nn";
import type { SlideBag } from "@osfm/mil";
import type { Encoder } from "@osfm/backbone";
import type { TileSlide, TileSource } from "../src/index";

/**
 * In-memory slides of raw RGB tiles (test helper): each tile is a smooth colour field whose hue depends
 * on the slide's class plus pixel noise, generated from a seed per (slide, scale, tile), so any tile can
 * be read at any time and reads are identical across runs.
 */
export function syntheticTileSource(options: { slides?: number; classes?: number; count05?: number; count20?: number; seed?: number } = {}): TileSource & { labels: number[] } {
  const { slides = 6, classes = 2, count05 = 16, count20 = 8, seed = 3 } = options;
  const ids = Array.from({ length: slides }, (_, i) => `tiles_${i}`);
  const labels = ids.map((_, i) => i % classes);
  const make = (id: string, label: number): TileSlide => ({
    slideId: id,
    count05,
    count20,
    centresMm: (scale, indices) => Float32Array.from(indices.flatMap((i) => [((i % 4) + 0.5) * 0.128 * (scale / 0.5), (Math.floor(i / 4) + 0.5) * 0.128 * (scale / 0.5)])),
    async readTiles(scale, indices, side) {
      const out = new Uint8Array(indices.length * side * side * 3);
      indices.forEach((t, k) => {
        const rng = new Rng(seed * 1_000_003 + ids.indexOf(id) * 10_007 + (scale === 2 ? 5_000 : 0) + t);
        const base = [150 + 60 * label, 90 + 40 * rng.uniform(), 160 - 50 * label];
        for (let p = 0; p < side * side; p++) {
          const y = Math.floor(p / side);
          for (let c = 0; c < 3; c++) {
            const v = (base[c] as number) + 25 * Math.sin((y + 3 * c) / (2 + label)) + 30 * (rng.uniform() - 0.5);
            out[(k * side * side + p) * 3 + c] = Math.max(0, Math.min(255, Math.round(v)));
          }
        }
      });
      return out;
    },
  });
  return { slideIds: ids, labels, open: async (id) => make(id, labels[ids.indexOf(id)] as number) };
}

/** Phase-1 bags of a tile source: every tile encoded with `encoder` (the starting backbone). */
export async function bagsFromTiles(source: TileSource, encoder: Encoder): Promise<SlideBag[]> {
  const bags: SlideBag[] = [];
  for (const id of source.slideIds) {
    const s = await source.open(id);
    const all = (n: number) => Array.from({ length: n }, (_, i) => i);
    const f05 = await encoder.encode(await s.readTiles(0.5, all(s.count05), encoder.inputSize), s.count05);
    const f20 = await encoder.encode(await s.readTiles(2, all(s.count20), encoder.inputSize), s.count20);
    bags.push({ slideId: id, features05: f05, coords05: s.centresMm(0.5, all(s.count05)), features20: f20, coords20: s.centresMm(2, all(s.count20)) });
  }
  return bags;
}
