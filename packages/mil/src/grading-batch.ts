import type { Feed } from "@osfm/nn";
import { validateBag } from "./bag";
import { MilInputError } from "./errors";
import { topKFeeds } from "./topk-pool";
import type { SlideBag } from "./types";

/** Pads each scale of a batch separately: the feeds of an {@link AttentionMilNet} graph. */
export function gradingFeeds(bags: readonly SlideBag[], dim: number): Record<string, Feed> {
  if (bags.length === 0) throw new MilInputError("EMPTY_BAG", "<batch>", "a batch needs at least one bag");
  const counts = bags.map((b) => validateBag(b, dim));
  const scale = (key: "features05" | "features20", n: number[]) => {
    const t = Math.max(...n);
    const x = new Float32Array(bags.length * t * dim);
    const pad = new Uint8Array(bags.length * t).fill(1);
    bags.forEach((bag, b) => {
      x.set(bag[key], b * t * dim);
      pad.fill(0, b * t, b * t + (n[b] as number));
    });
    return { x: { data: x, dims: [bags.length, t, dim] }, pad: { data: pad, dims: [bags.length, t] } };
  };
  const n05 = counts.map((c) => c.n05);
  const n20 = counts.map((c) => c.n20);
  const s05 = scale("features05", n05);
  const s20 = scale("features20", n20);
  return { x05: s05.x, pad05: s05.pad, x20: s20.x, pad20: s20.pad, ...topKFeeds("k05", n05), ...topKFeeds("k20", n20) };
}
