import { type Graph, loadWeights, type Module, saveWeights, Session, type SessionOptions } from "@osfm/nn";
import { readConfigMetadata } from "./config-metadata";
import { weightsFingerprint } from "./fingerprint";

/** A network module that carries its architecture. */
export type ConfiguredNet<C> = Module & { readonly config: C };

/**
 * What the user-facing models share: the network, its configuration and parameter count, a weights
 * fingerprint, saving (configuration in the safetensors metadata under `metadataKey`) and one lazily
 * opened eval session whose parameters are read in place.
 */
export abstract class ModelHandle<C, N extends ConfiguredNet<C>> {
  private session: Promise<Session> | undefined;

  protected constructor(
    readonly net: N,
    private readonly sessionOptions: SessionOptions,
    private readonly metadataKey: string,
  ) {}

  /** Architecture of this model. */
  get config(): C {
    return this.net.config;
  }

  /** Number of scalar parameters. */
  get numParameters(): number {
    return this.net.numParameters();
  }

  /** SHA-256 of the weights: recorded with every output so results name the checkpoint they came from. */
  get fingerprint(): string {
    return weightsFingerprint(this.net);
  }

  /** Writes the weights (PyTorch names) and the configuration to a safetensors file, atomically. */
  async save(path: string, metadata: Record<string, string> = {}): Promise<void> {
    await saveWeights(this.net, path, { ...metadata, [this.metadataKey]: JSON.stringify(this.net.config) });
  }

  /** The eval session, built from `graph` on first use. */
  protected evalSession(graph: () => Graph): Promise<Session> {
    this.session ??= Session.create(graph(), this.sessionOptions);
    return this.session;
  }

  /** Frees the inference session (weights stay; the next call opens a new one). */
  async release(): Promise<void> {
    const s = this.session;
    this.session = undefined;
    if (s) await (await s).release();
  }
}

/** Builds a network from the configuration stored in a checkpoint (overridden by `config`) and loads its weights. */
export async function loadConfiguredNet<C, N extends ConfiguredNet<C>>(
  path: string,
  metadataKey: string,
  make: (config: Partial<C>) => N,
  config: Partial<C> = {},
): Promise<N> {
  const stored = await readConfigMetadata<C>(path, metadataKey);
  const net = make({ ...stored, ...config });
  await loadWeights(net, path);
  return net;
}
