import { Conv2d, ConvNeXtBlock, type Layer, LayerNorm2d, Module, Rng, Sequential, fillTruncNormal, globalAvgPool, type Tensor } from "@osfm/nn";

/** Stage depths and widths of a ConvNeXt (ConvNeXt-Tiny: 3-3-9-3, 96-192-384-768). */
export interface ConvNeXtShape {
  depths: readonly number[];
  dims: readonly number[];
}

/** torchvision `convnext_tiny` features (27,818,592 parameters). */
export const CONVNEXT_TINY_SHAPE: ConvNeXtShape = { depths: [3, 3, 9, 3], dims: [96, 192, 384, 768] };

function initConv(conv: Conv2d, rng: Rng): Conv2d {
  fillTruncNormal(conv.weight.data, rng, 0.02);
  conv.bias?.data.fill(0);
  return conv;
}

/**
 * A trainable ConvNeXt feature extractor with torchvision's names (`features.*`) and stochastic depth
 * rising linearly over the blocks to `stochasticDepth` (torchvision: 0.1 for Tiny), for phase 2.
 * @osfm/backbone does not export its ConvNeXt module, so it is built here from @osfm/nn blocks with the
 * same names and layout; weights saved from it load with `createEncoder({ weights })`.
 */
export class TrainableConvNeXt extends Module {
  readonly features: Sequential;
  constructor(
    readonly shape: ConvNeXtShape = CONVNEXT_TINY_SHAPE,
    options: { seed?: number; stochasticDepth?: number } = {},
  ) {
    super();
    const { seed = 0, stochasticDepth = 0.1 } = options;
    const rng = new Rng(seed);
    const { depths, dims } = shape;
    const total = depths.reduce((a, b) => a + b, 0);
    let block = 0;
    const d = (i: number) => dims[i] as number;
    const layers: Layer[] = [new Sequential(initConv(new Conv2d(3, d(0), 4, { stride: 4, rng }), rng), new LayerNorm2d(d(0), { eps: 1e-6 }))];
    depths.forEach((depth, s) => {
      if (s > 0) layers.push(new Sequential(new LayerNorm2d(d(s - 1), { eps: 1e-6 }), initConv(new Conv2d(d(s - 1), d(s), 2, { stride: 2, rng }), rng)));
      const blocks: Layer[] = [];
      for (let j = 0; j < depth; j++, block++) {
        const p = total > 1 ? (stochasticDepth * block) / (total - 1) : 0;
        blocks.push(new ConvNeXtBlock(d(s), { rng, stochasticDepthProb: p }));
      }
      layers.push(new Sequential(...blocks));
    });
    this.features = this.registerModule("features", new Sequential(...layers));
  }

  /** Width of the pooled output. */
  get outDim(): number {
    return this.shape.dims[this.shape.dims.length - 1] as number;
  }

  /** x: [N, 3, H, W] normalised RGB → features: [N, outDim] (global average pool of the last stage). */
  forward(x: Tensor): Tensor {
    return globalAvgPool(this.features.forward(x));
  }
}
