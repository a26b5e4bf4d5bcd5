import { loadWeights, saveWeights, Session, type SessionOptions } from "@osfm/nn";
import { AttentionMilNet, type AttentionMilConfig, gradingGraph } from "./attention-mil";
import { readConfigMetadata } from "./config-metadata";
import { weightsFingerprint } from "./fingerprint";
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
export class AttentionMil {
  private session: Promise<Session> | undefined;
  private constructor(
    readonly net: AttentionMilNet,
    private readonly sessionOptions: SessionOptions,
  ) {}

  /** A freshly initialised model (seeded PyTorch initialisations). */
  static create(options: { seed?: number; config?: Partial<AttentionMilConfig>; threads?: number } = {}): AttentionMil {
    const { seed = 0, config = {}, threads = 0 } = options;
    return new AttentionMil(new AttentionMilNet(config, seed), { intraOpThreads: threads });
  }

  /** Loads weights written by {@link AttentionMil.save} (or a PyTorch state dict with the reference names). */
  static async load(path: string, options: { threads?: number; config?: Partial<AttentionMilConfig> } = {}): Promise<AttentionMil> {
    const stored = await readConfigMetadata<AttentionMilConfig>(path, METADATA_KEY);
    const net = new AttentionMilNet({ ...stored, ...options.config });
    await loadWeights(net, path);
    return new AttentionMil(net, { intraOpThreads: options.threads ?? 0 });
  }

  get config(): AttentionMilConfig {
    return this.net.config;
  }

  /** Number of scalar parameters (11,099,144 for the default configuration). */
  get numParameters(): number {
    return this.net.numParameters();
  }

  get fingerprint(): string {
    return weightsFingerprint(this.net);
  }

  async save(path: string, metadata: Record<string, string> = {}): Promise<void> {
    await saveWeights(this.net, path, { ...metadata, [METADATA_KEY]: JSON.stringify(this.net.config) });
  }

  /** Logits [n, numClasses] (row-major) for a batch of bags, in eval mode. */
  async logits(bags: readonly SlideBag[]): Promise<Float32Array> {
    this.session ??= Session.create(gradingGraph(this.net), this.sessionOptions);
    const res = await (await this.session).run(gradingFeeds(bags, this.net.config.dim), ["logits"]);
    return res.logits?.data as Float32Array;
  }

  /** Class probabilities [n, numClasses] (row-major, float64). */
  async predictProba(bags: readonly SlideBag[]): Promise<Float64Array> {
    return softmaxRows(await this.logits(bags), this.net.config.numClasses);
  }

  /** Frees the inference session; call after the weights change in place (training) to see them. */
  async release(): Promise<void> {
    const s = this.session;
    this.session = undefined;
    if (s) await (await s).release();
  }
}
