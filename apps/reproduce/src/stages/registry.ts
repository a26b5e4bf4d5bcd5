import type { Stage } from "../runner/stage";
import type { StageName } from "../types";
import { envStage } from "./env";
import { featureStage, initialWeights, pretrainedWeights } from "./features";
import { figuresStage } from "./figures";
import { qcStage } from "./qc";
import { tilesStage } from "./tiles";
import { manifestStage } from "./manifest";
import { reportStage } from "./report";
import { scaleAblationStage } from "./scale-ablation";
import { cam16Stage } from "./cam16";
import { cam17Stage } from "./cam17";
import { tcgaStage } from "./tcga";
import { embeddingsStage } from "./embeddings";
import { pandaMilStage } from "./panda-mil";
import { diagnosticsStage, pretrainStage } from "./pretrain";
import { pandaMetricsStage } from "./panda-metrics";

/** Every stage of the pipeline, by name (the order of execution is STAGE_NAMES). */
export function createStageRegistry(): Map<StageName, Stage> {
  const stages: Stage[] = [
    envStage,
    manifestStage as unknown as Stage,
    qcStage as unknown as Stage,
    tilesStage as unknown as Stage,
    featureStage({ name: "features", nb: "NB05", title: "tile features (initial backbone)", deps: ["tiles"], datasets: ["tcga", "camelyon16", "camelyon17"], weights: initialWeights }) as unknown as Stage,
    pretrainStage,
    diagnosticsStage,
    featureStage({ name: "features-pretrained", nb: "NB05 (rerun)", title: "tile features with the pretrained backbone", deps: ["pretrain"], datasets: ["tcga", "camelyon16", "camelyon17"], weights: pretrainedWeights }) as unknown as Stage,
    embeddingsStage,
    tcgaStage,
    scaleAblationStage,
    cam17Stage,
    cam16Stage,
    featureStage({ name: "panda-features", nb: "NB10", title: "PANDA tile features (initial backbone, as the original)", deps: ["tiles"], datasets: ["panda"], weights: initialWeights }) as unknown as Stage,
    pandaMilStage,
    pandaMetricsStage,
    figuresStage,
    reportStage,
  ];
  return new Map(stages.map((s) => [s.name, s]));
}
