import path from "node:path";
import { readSafetensors } from "@osfm/nn";

/** Result of comparing a trained backbone with its starting weights (NB06C). */
export interface BackboneCheck {
  verdict: "TRAINED" | "LIKELY_FROZEN" | "UNAVAILABLE";
  file: string | null;
  reference: string | null;
  compared: number;
  changed: number;
  /** changed / compared, or null. */
  fraction: number | null;
  reason?: string;
}

const l2 = (d: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < d.length; i++) s += (d[i] as number) ** 2;
  return Math.sqrt(s);
};

/**
 * For every tensor, compares the L2 norm with the same tensor of the reference (names matched with and
 * without the `features.` prefix): changed if |Δ‖w‖| / ‖w₀‖ > 1e-4; TRAINED if more than half changed.
 */
export async function checkBackbone(file: string | undefined, reference: string | undefined): Promise<BackboneCheck> {
  const none = (reason: string): BackboneCheck => ({ verdict: "UNAVAILABLE", file: file ?? null, reference: reference ?? null, compared: 0, changed: 0, fraction: null, reason });
  if (!file) return none("no backbone checkpoint");
  if (!reference) return none("no reference (starting) backbone weights");
  let a;
  let b;
  try {
    a = (await readSafetensors(file)).tensors;
    b = (await readSafetensors(reference)).tensors;
  } catch (error) {
    return none((error as Error).message);
  }
  const refByName = new Map<string, ArrayLike<number>>();
  for (const [k, t] of b) {
    refByName.set(k, t.data as ArrayLike<number>);
    if (k.startsWith("features.")) refByName.set(k.slice("features.".length), t.data as ArrayLike<number>);
  }
  let compared = 0;
  let changed = 0;
  for (const [k, t] of a) {
    const r = refByName.get(k) ?? refByName.get(k.replace(/^features\./, ""));
    if (!r) continue;
    compared++;
    const n0 = l2(r);
    const n1 = l2(t.data as ArrayLike<number>);
    if (Math.abs(n1 - n0) / Math.max(n0, 1e-12) > 1e-4) changed++;
  }
  if (compared === 0) return none(`no tensor of ${path.basename(file)} matches the reference`);
  const fraction = changed / compared;
  return { verdict: fraction > 0.5 ? "TRAINED" : "LIKELY_FROZEN", file, reference, compared, changed, fraction };
}
