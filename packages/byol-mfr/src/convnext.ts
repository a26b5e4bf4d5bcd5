import { CONVNEXT_TINY, type ConvNeXtConfig, ConvNeXtFeatures } from "@osfm/backbone";
import { Rng } from "@osfm/nn";

/** Stage depths and widths of a ConvNeXt (ConvNeXt-Tiny: 3-3-9-3, 96-192-384-768). */
export type ConvNeXtShape = ConvNeXtConfig;

/** torchvision `convnext_tiny` features (27,818,592 parameters). */
export const CONVNEXT_TINY_SHAPE: ConvNeXtShape = CONVNEXT_TINY;

/**
 * The phase-2 backbone: @osfm/backbone's ConvNeXt (torchvision names `features.*`, no final norm) with
 * stochastic depth rising linearly over the blocks to `stochasticDepth` (torchvision: 0.1 for Tiny).
 * Weights saved from it load with @osfm/backbone's `createEncoder({ weights })`.
 */
export class TrainableConvNeXt extends ConvNeXtFeatures {
  constructor(shape: ConvNeXtShape = CONVNEXT_TINY_SHAPE, options: { seed?: number; stochasticDepth?: number } = {}) {
    const { seed = 0, stochasticDepth = 0.1 } = options;
    super(shape, { rng: new Rng(seed), finalNorm: false, stochasticDepth });
  }

  /** Stage depths and widths. */
  get shape(): ConvNeXtShape {
    return this.config;
  }
}
