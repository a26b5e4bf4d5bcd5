import { Conv2d, ConvNeXtBlock, LayerNorm, LayerNorm2d, Layer, Module, Rng, Sequential, fillTruncNormal, globalAvgPool, type Tensor } from "@osfm/nn";

/** Stage depths and widths of a ConvNeXt; `CONVNEXT_TINY` is the backbone of the original. */
export interface ConvNeXtConfig {
  depths: readonly number[];
  dims: readonly number[];
}

/** ConvNeXt-Tiny: depths 3-3-9-3, widths 96-192-384-768 (27,818,592 parameters without the head). */
export const CONVNEXT_TINY: ConvNeXtConfig = { depths: [3, 3, 9, 3], dims: [96, 192, 384, 768] };

/** torchvision's init for stem and downsampling convolutions: trunc-normal std 0.02, zero bias. */
function initConv(conv: Conv2d, rng: Rng): Conv2d {
  fillTruncNormal(conv.weight.data, rng, 0.02);
  conv.bias?.data.fill(0);
  return conv;
}

/**
 * ConvNeXt feature extractor with torchvision's parameter names (`features.*`, and `classifier.0.*` for
 * the optional final LayerNorm): stem, four stages with downsampling between them, global average pool.
 * The classifier Linear is not built: the output is the 768-d pooled feature of the last stage.
 * `stochasticDepth` is the drop probability of the last block, rising linearly from 0 over the blocks
 * as torchvision's (0.1 for Tiny when training end to end; it only acts in training graphs).
 */
export class ConvNeXtFeatures extends Module {
  readonly features: Sequential;
  readonly classifier: Sequential | undefined;
  constructor(
    readonly config: ConvNeXtConfig,
    options: { rng: Rng; finalNorm: boolean; stochasticDepth?: number },
  ) {
    super();
    const { depths, dims } = config;
    const { rng, finalNorm, stochasticDepth = 0 } = options;
    const totalBlocks = depths.reduce((a, b) => a + b, 0);
    let block = 0;
    const dropProb = () => (totalBlocks > 1 ? (stochasticDepth * block++) / (totalBlocks - 1) : 0);
    const layers: Layer[] = [new Sequential(initConv(new Conv2d(3, dims[0]!, 4, { stride: 4, rng }), rng), new LayerNorm2d(dims[0]!, { eps: 1e-6 }))];
    depths.forEach((depth, s) => {
      if (s > 0) {
        layers.push(new Sequential(new LayerNorm2d(dims[s - 1]!, { eps: 1e-6 }), initConv(new Conv2d(dims[s - 1]!, dims[s]!, 2, { stride: 2, rng }), rng)));
      }
      layers.push(new Sequential(...Array.from({ length: depth }, () => new ConvNeXtBlock(dims[s]!, { rng, stochasticDepthProb: dropProb() }))));
    });
    this.features = this.registerModule("features", new Sequential(...layers));
    const last = dims[dims.length - 1]!;
    this.classifier = finalNorm ? this.registerModule("classifier", new Sequential(new LayerNorm(last, { eps: 1e-6 }))) : undefined;
  }

  /** Width of the pooled output (768 for ConvNeXt-Tiny). */
  get outDim(): number {
    return this.config.dims[this.config.dims.length - 1] as number;
  }

  /** x: [N, 3, H, W] normalised RGB → features: [N, dims.at(-1)]. */
  forward(x: Tensor): Tensor {
    const pooled = globalAvgPool(this.features.forward(x));
    return this.classifier ? this.classifier.forward(pooled) : pooled;
  }
}
