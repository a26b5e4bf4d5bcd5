import type { Module } from "@osfm/nn";
import { WeightsMismatchError } from "../errors";
import { isTimmNaming, timmToTorchvision } from "./names";

/** A float tensor by name, as read from safetensors. */
export interface WeightTensor {
  shape: readonly number[];
  data: Float32Array;
}

const sameNumbers = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((v, i) => v === b[i]);

/** Shapes that hold the same values in the same order, e.g. timm's `gamma` [C] for torchvision's `layer_scale` [C, 1, 1]. */
function compatible(expected: readonly number[], found: readonly number[]): boolean {
  if (sameNumbers(expected, found)) return true;
  const squeeze = (s: readonly number[]) => s.filter((d) => d !== 1);
  return sameNumbers(squeeze(expected), squeeze(found)) && expected.reduce((a, b) => a * b, 1) === found.reduce((a, b) => a * b, 1);
}

/**
 * Copies weights with torchvision or timm names into `model`. Tensors the model does not use (the
 * classifier Linear, `head.fc`) are ignored; every missing or misshapen tensor is named in one error.
 */
export function loadConvNeXtWeights(model: Module, tensors: ReadonlyMap<string, WeightTensor>, source: string): void {
  const byTorchvisionName = new Map<string, WeightTensor & { original: string }>();
  if (isTimmNaming(tensors.keys())) {
    for (const [name, t] of tensors) {
      const tv = timmToTorchvision(name);
      if (tv !== undefined) byTorchvisionName.set(tv, { ...t, original: name });
    }
  } else {
    for (const [name, t] of tensors) byTorchvisionName.set(name, { ...t, original: name });
  }
  const missing: string[] = [];
  const misshapen: { name: string; expected: number[]; found: number[] }[] = [];
  const own = [...model.namedParameters()];
  for (const [name, p] of own) {
    const t = byTorchvisionName.get(name);
    if (t === undefined) missing.push(name);
    else if (!compatible(p.shape, t.shape)) misshapen.push({ name: t.original, expected: [...p.shape], found: [...t.shape] });
  }
  if (missing.length > 0 || misshapen.length > 0) throw new WeightsMismatchError(source, missing, misshapen);
  for (const [name, p] of own) p.set(byTorchvisionName.get(name)!.data);
}
