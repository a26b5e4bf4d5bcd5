// Array helpers for IEEE binary16 (Node 20 has no Float16Array); the scalar conversions are @osfm/nn's.
import { floatToHalf, halfToFloat } from "@osfm/nn";

/** Packs float32 values as binary16 bit patterns (round to nearest, ties to even). */
export function float32ToFloat16(values: Float32Array): Uint16Array {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = floatToHalf(values[i]!);
  return out;
}

/** Unpacks binary16 bit patterns to float32. */
export function float16ToFloat32(bits: Uint16Array): Float32Array {
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) out[i] = halfToFloat(bits[i]!);
  return out;
}

/** Rounds every value to the nearest binary16 in place (half-precision numerics in float32 storage). */
export function roundToFloat16InPlace(values: Float32Array): Float32Array {
  for (let i = 0; i < values.length; i++) values[i] = halfToFloat(floatToHalf(values[i]!));
  return values;
}
