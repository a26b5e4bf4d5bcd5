import { numel } from "./types.js";

/**
 * A trainable tensor owned by a module: float32 data updated in place by optimizers.
 * Its full PyTorch-style name (e.g. `layers.0.self_attn.in_proj_weight`) comes from the module tree.
 */
export class Parameter {
  /** Row-major float32 values; replaced only by {@link Parameter.set}, otherwise mutated in place. */
  data: Float32Array;
  constructor(
    /** Shape as PyTorch stores it (Linear weight: [out, in]). */
    readonly shape: readonly number[],
    data?: Float32Array,
    /** False for buffers and frozen tensors: excluded from gradients and optimizers. */
    public requiresGrad = true,
  ) {
    const n = numel(shape);
    if (data && data.length !== n) {
      throw new RangeError(`Parameter: ${data.length} values for shape [${shape.join(", ")}] (${n} expected)`);
    }
    this.data = data ?? new Float32Array(n);
  }

  /** Copies values in (length must match); keeps the same buffer so sessions and optimizers stay bound. */
  set(values: ArrayLike<number>): void {
    if (values.length !== this.data.length) {
      throw new RangeError(`Parameter.set: ${values.length} values for shape [${this.shape.join(", ")}]`);
    }
    this.data.set(values);
  }
}
