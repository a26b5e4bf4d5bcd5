import { createHash } from "node:crypto";
import type { Architecture } from "@osfm/backbone";
import { Graph, parseSafetensors, toOnnxBytes } from "@osfm/nn";
import { type ConvNeXtShape, TrainableConvNeXt } from "./convnext";
import { featuresOnly } from "./state";

/**
 * A ConvNeXt of any depths/widths as an `@osfm/backbone` architecture, so features can be (re-)extracted
 * with weights this package saved: `registerArchitecture("convnext_small_test", async () => convNeXtArchitecture(shape, 64))`,
 * then `createEncoder({ arch: "convnext_small_test", weights: "final/backbone.safetensors" })`.
 * (ConvNeXt-Tiny itself needs nothing: `createEncoder({ weights })` builds it.) The fingerprint is the
 * SHA-256 of the weight bytes, as `createEncoder` computes it for safetensors files.
 */
export function convNeXtArchitecture(shape: ConvNeXtShape, inputSize = 224): Architecture {
  return {
    inputSize,
    async build({ weights, seed }) {
      const net = new TrainableConvNeXt(shape, { seed, stochasticDepth: 0 });
      if (weights) net.loadStateDict(featuresOnly(parseSafetensors(weights.bytes, weights.source).tensors) as never);
      const g = net.bind(new Graph({ params: "initializers", name: "convnext" }));
      g.output("features", net.forward(g.input("image", ["batch", 3, inputSize, inputSize])));
      const fingerprint = weights ? createHash("sha256").update(weights.bytes).digest("hex") : `seed-${seed}`;
      return { model: toOnnxBytes(g, { producer: "@osfm/byol-mfr" }), fingerprint };
    },
  };
}
