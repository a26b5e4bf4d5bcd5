import { createHash } from "node:crypto";
import type { TileRow } from "../types";

/** SHA-256 (hex) of tile rows in order (`scaleUmPerPx,level,x,y,readSizePx` per line): a changed manifest invalidates the cache. */
export function manifestHash(rows: readonly TileRow[]): string {
  const hash = createHash("sha256");
  for (const r of rows) hash.update(`${r.scaleUmPerPx},${r.level},${r.x},${r.y},${r.readSizePx}\n`);
  return hash.digest("hex");
}
