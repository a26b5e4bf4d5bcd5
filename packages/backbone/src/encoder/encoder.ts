import type { FeatureDtype } from "../types";

/** A tile encoder: RGB tiles in, one feature vector per tile out. */
export interface Encoder {
  /** Backbone name and weights fingerprint, safe as a folder name: e.g. `convnext_tiny-3f2a9c01d4e5b6a7`. */
  readonly id: string;
  /** Backbone name, e.g. `convnext_tiny` or `onnx:uni`. */
  readonly backbone: string;
  /** SHA-256 (hex) of the weights (file bytes, or the generated tensors for a seeded init). */
  readonly fingerprint: string;
  /** Length of one feature vector (768 for ConvNeXt-Tiny). */
  readonly dim: number;
  /** Side in pixels of the square RGB tiles `encode` takes (224 for ConvNeXt-Tiny). */
  readonly inputSize: number;
  /** Precision of the model input and weights. */
  readonly dtype: FeatureDtype;
  /** Intra-op threads onnxruntime uses. */
  readonly threads: number;
  /**
   * Encodes `n` tiles: `tiles` holds `n × inputSize × inputSize × 3` RGB bytes (HWC); preprocessing
   * (scale to [0, 1], per-channel normalisation) happens inside.
   * @returns features: [n, dim] float32
   */
  encode(tiles: Uint8Array, n: number): Promise<Float32Array>;
  /** Encodes an already preprocessed NCHW float32 batch: [n, 3, inputSize, inputSize] → [n, dim]. */
  encodeTensor(input: Float32Array, n: number): Promise<Float32Array>;
  /** Releases the onnxruntime session. */
  close(): Promise<void>;
}

/** `<backbone>-<first 16 hex digits of the fingerprint>`, with anything but [A-Za-z0-9._-] replaced by `_`. */
export function encoderId(backbone: string, fingerprint: string): string {
  return `${backbone.replace(/[^A-Za-z0-9._-]/g, "_")}-${fingerprint.slice(0, 16)}`;
}
