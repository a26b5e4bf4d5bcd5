import { createHash } from "node:crypto";
import type { Module } from "@osfm/nn";

/** SHA-256 (hex) of a module's parameter names, shapes and float32 bytes in name order: identifies a checkpoint. */
export function weightsFingerprint(model: Module): string {
  const hash = createHash("sha256");
  const params = [...model.namedParameters()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [name, p] of params) {
    hash.update(`${name}[${p.shape.join(",")}]`);
    hash.update(new Uint8Array(p.data.buffer, p.data.byteOffset, p.data.byteLength));
  }
  return hash.digest("hex");
}
