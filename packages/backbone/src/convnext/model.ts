import { Conv2d, ConvNeXtBlock, LayerNorm, Layer, Module, Rng, Sequential, fillTruncNormal, globalAvgPool, transpose, type Tensor } from "@osfm/nn";

/** Stage depths and widths of a ConvNeXt; `CONVNEXT_TINY` is the backbone of the original. */
export interface ConvNeXtConfig {
  depths: readonly number[];
  dims: readonly number[];
}

/** ConvNeXt-Tiny: depths 3-3-9-3, widths 96-192-384-768 (27,818,592 parameters without the head). */
export const CONVNEXT_TINY: ConvNeXtConfig = { depths: [3, 3, 9, 3], dims: [96, 192, 384, 768] };

/** torchvision `LayerNorm2d` (eps 1e-6): LayerNorm over channels of an NCHW map; parameters named as nn.LayerNorm. */
class LayerNorm2d extends LayerNorm {
  constructor(dim: number) {
    super(dim, { eps: 1e-6 });
  }
  override forward(x: Tensor): Tensor {
    return transpose(super.forward(transpose(x, [0, 2, 3, 1])), [0, 3, 1, 2]);
  }
}

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
 */
export class ConvNeXtFeatures extends Module {
  readonly features: Sequential;
  readonly classifier: Sequential | undefined;
  constructor(config: ConvNeXtConfig, options: { rng: Rng; finalNorm: boolean }) {
    super();
    const { depths, dims } = config;
    const { rng, finalNorm } = options;
    const layers: Layer[] = [new Sequential(initConv(new Conv2d(3, dims[0]!, 4, { stride: 4, rng }), rng), new LayerNorm2d(dims[0]!))];
    depths.forEach((depth, s) => {
      if (s > 0) {
        layers.push(new Sequential(new LayerNorm2d(dims[s - 1]!), initConv(new Conv2d(dims[s - 1]!, dims[s]!, 2, { stride: 2, rng }), rng)));
      }
      layers.push(new Sequential(...Array.from({ length: depth }, () => new ConvNeXtBlock(dims[s]!, { rng }))));
    });
    this.features = this.registerModule("features", new Sequential(...layers));
    const last = dims[dims.length - 1]!;
    this.classifier = finalNorm ? this.registerModule("classifier", new Sequential(new LayerNorm(last, { eps: 1e-6 }))) : undefined;
  }

  /** x: [N, 3, H, W] normalised RGB → features: [N, dims.at(-1)]. */
  forward(x: Tensor): Tensor {
    const pooled = globalAvgPool(this.features.forward(x));
    return this.classifier ? this.classifier.forward(pooled) : pooled;
  }
}
