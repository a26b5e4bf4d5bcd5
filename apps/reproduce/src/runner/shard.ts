import { createHash } from "node:crypto";
import type { Shard } from "../types";

/** The shard (0…count-1) a slide belongs to: from a SHA-256 of its id, so it never depends on listing order. */
export function shardOf(slideId: string, count: number): number {
  return createHash("sha256").update(slideId).digest().readUInt32BE(0) % count;
}

/** True when this process (with `--shard i/n`, or none) handles `slideId`. */
export function inShard(slideId: string, shard: Shard | undefined): boolean {
  return !shard || shard.count === 1 || shardOf(slideId, shard.count) === shard.index;
}
