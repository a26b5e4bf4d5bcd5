import { Module } from "@osfm/nn";
import { MilTransformerNet } from "@osfm/mil";
import type { TrainableConvNeXt } from "./convnext";
import type { MfrDecoder } from "./decoder";

/** Prefixes of the parts inside the composite modules (checkpoint files are written per part). */
export const PART = { aggregator: "aggregator", decoder: "decoder", backbone: "backbone" } as const;

/**
 * The online network: aggregator (MILTransformer with projector and predictor), MFR decoder, and in
 * phase 2 the backbone. Parameter names are `aggregator.*`, `decoder.*`, `backbone.*`.
 */
export class StudentModel extends Module {
  constructor(
    readonly aggregator: MilTransformerNet,
    readonly decoder: MfrDecoder,
    readonly backbone?: TrainableConvNeXt,
  ) {
    super();
    this.registerModule(PART.aggregator, aggregator);
    this.registerModule(PART.decoder, decoder);
    if (backbone) this.registerModule(PART.backbone, backbone);
  }
}

/** The EMA target network: aggregator copy and, in phase 2, backbone copy (always run in eval mode). */
export class TeacherModel extends Module {
  constructor(
    readonly aggregator: MilTransformerNet,
    readonly backbone?: TrainableConvNeXt,
  ) {
    super();
    this.registerModule(PART.aggregator, aggregator);
    if (backbone) this.registerModule(PART.backbone, backbone);
  }
}

/** Copies every parameter of `from` into `to` (same architecture). */
export function copyWeights(to: Module, from: Module): void {
  const src = from.stateDict();
  for (const [name, p] of to.namedParameters()) {
    const s = src.get(name);
    if (!s || s.data.length !== p.data.length) throw new Error(`copyWeights: "${name}" missing or of another size`);
    p.data.set(s.data);
  }
}

/** A fresh aggregator with the same configuration as `net` (weights to be copied in). */
export function cloneAggregator(net: MilTransformerNet): MilTransformerNet {
  const copy = new MilTransformerNet(net.config, 0);
  copyWeights(copy, net);
  return copy;
}
