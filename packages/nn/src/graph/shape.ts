import { ShapeError } from "../errors.js";
import type { Attr, Dim, Shape } from "./types.js";

/** Attribute constructors for node building. */
export const attr = {
  int: (value: number): Attr => ({ kind: "int", value }),
  float: (value: number): Attr => ({ kind: "float", value }),
  ints: (value: readonly number[]): Attr => ({ kind: "ints", value }),
  floats: (value: readonly number[]): Attr => ({ kind: "floats", value }),
  string: (value: string): Attr => ({ kind: "string", value }),
};

/** NumPy/ONNX multidirectional broadcasting of several shapes; throws a ShapeError naming `op`. */
export function broadcastShapes(op: string, shapes: readonly Shape[]): Dim[] {
  const rank = Math.max(...shapes.map((s) => s.length));
  const out: Dim[] = [];
  for (let i = 0; i < rank; i++) {
    let dim: Dim = 1;
    for (const s of shapes) {
      const d = s[s.length - rank + i];
      if (d === undefined || d === 1) continue;
      if (dim === 1) dim = d;
      else if (typeof dim === "number" && typeof d === "number" && dim !== d) {
        throw new ShapeError(op, shapes, `cannot broadcast dim ${dim} with ${d} at axis ${i - rank}`);
      } else if (typeof dim === "string" && typeof d === "number") dim = d;
    }
    out.push(dim);
  }
  return out;
}

/** Normalises a possibly negative axis for a rank; throws a ShapeError when out of range. */
export function normAxis(op: string, axis: number, rank: number, shapes: readonly Shape[]): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) throw new ShapeError(op, shapes, `axis ${axis} is out of range for rank ${rank}`);
  return a;
}

/** True when two dims may be equal (equal numbers, or at least one symbolic). */
export function dimsCompatible(a: Dim, b: Dim): boolean {
  return typeof a !== "number" || typeof b !== "number" || a === b;
}

/**
 * Axes to sum a broadcast result over so it matches `inShape` (for gradients of broadcasting ops):
 * leading axes the input lacks, and axes where the input has 1 and the output does not.
 */
export function broadcastReduceAxes(inShape: Shape, outShape: Shape): { lead: number[]; keep: number[] } {
  const diff = outShape.length - inShape.length;
  const lead: number[] = [];
  for (let i = 0; i < diff; i++) lead.push(i);
  const keep: number[] = [];
  for (let i = 0; i < inShape.length; i++) {
    if (inShape[i] === 1 && outShape[i + diff] !== 1) keep.push(i + diff);
  }
  return { lead, keep };
}
