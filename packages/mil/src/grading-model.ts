import type { SessionOptions } from "@osfm/nn";
import { AttentionMilNet, type AttentionMilConfig, gradingGraph } from "./attention-mil";
import { loadConfiguredNet, ModelHandle } from "./model-handle";
import { gradingFeeds } from "./grading-batch";
import type { SlideBag } from "./types";

const METADATA_KEY = "osfm.attention_mil.config";

/** Softmax over the last axis of row-major logits [n, k], in float64. */
export function softmaxRows(logits: ArrayLike<number>, k: number): Float64Array {
  const out = new Float64Array(logits.length);
  for (let r = 0; r < logits.length / k; r++) {
    let max = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < k; j++) max = Math.max(max, logits[r * k + j] as number);
    let sum = 0;
    for (let j = 0; j < k; j++) sum += out[r * k + j] = Math.exp((logits[r * k + j] as number) - max);
    for (let j = 0; j < k; j++) (out[r * k + j] as number) /= sum;
  }
  return out;
}

/** The PANDA grading model as a user holds it: create, load, save, predict ISUP probabilities. */
export class AttentionMil extends ModelHandle<AttentionMilConfig, AttentionMilNet> {
  private constructor(net: AttentionMilNet, sessionOptions: SessionOptions) {
    super(net, sessionOptions, METADATA_KEY);
  }

  /** A freshly initialised model (seeded PyTorch initialisations); 11,099,144 parameters by default. */
  static create(options: { seed?: number; config?: Partial<AttentionMilConfig>; threads?: number } = {}): AttentionMil {
    const { seed = 0, config = {}, threads = 0 } = options;
    return new AttentionMil(new AttentionMilNet(config, seed), { intraOpThreads: threads });
  }

  /** Loads weights written by {@link AttentionMil.save} (or a PyTorch state dict with the reference names). */
  static async load(path: string, options: { threads?: number; config?: Partial<AttentionMilConfig> } = {}): Promise<AttentionMil> {
    const net = await loadConfiguredNet(path, METADATA_KEY, (c: Partial<AttentionMilConfig>) => new AttentionMilNet(c), options.config);
    return new AttentionMil(net, { intraOpThreads: options.threads ?? 0 });
  }

  /** Logits [n, numClasses] (row-major) for a batch of bags, in eval mode. */
  async logits(bags: readonly SlideBag[]): Promise<Float32Array> {
    const res = await (await this.evalSession(() => gradingGraph(this.net))).run(gradingFeeds(bags, this.net.config.dim), ["logits"]);
    return res.logits?.data as Float32Array;
  }

  /** Class probabilities [n, numClasses] (row-major, float64). */
  async predictProba(bags: readonly SlideBag[]): Promise<Float64Array> {
    return softmaxRows(await this.logits(bags), this.net.config.numClasses);
  }
}
