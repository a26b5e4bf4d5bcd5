/** Why the backbone stage failed. */
export type BackboneErrorCode =
  | "BAD_WEIGHTS"
  | "BAD_MODEL"
  | "BAD_INPUT"
  | "TILE_READ_FAILED"
  | "SLIDE_MISSING"
  | "FEATURE_FILE"
  | "SELF_TEST_FAILED"
  | "ABORTED";

/** Every failure of @osfm/backbone: a machine-readable code, the file involved and the underlying cause. */
export class BackboneError extends Error {
  override readonly name = "BackboneError";
  readonly code: BackboneErrorCode;
  /** The file (weights, model, slide or feature file) the error is about, when there is one. */
  readonly path: string | undefined;
  constructor(code: BackboneErrorCode, message: string, options: { path?: string; cause?: unknown } = {}) {
    super(options.path === undefined ? message : `${options.path}: ${message}`, { cause: options.cause });
    this.code = code;
    this.path = options.path;
  }
}

/** Weights that do not fit the architecture: lists every missing and misshapen tensor by name. */
export class WeightsMismatchError extends BackboneError {
  /** Tensor names the architecture needs and the file lacks. */
  readonly missing: readonly string[];
  /** Tensors present with the wrong shape: `name`, expected and found shapes. */
  readonly misshapen: readonly { name: string; expected: readonly number[]; found: readonly number[] }[];
  constructor(
    path: string,
    missing: readonly string[],
    misshapen: readonly { name: string; expected: readonly number[]; found: readonly number[] }[],
  ) {
    const parts: string[] = [];
    if (missing.length > 0) parts.push(`missing tensors: ${missing.join(", ")}`);
    for (const m of misshapen) parts.push(`${m.name} has shape [${m.found.join(", ")}], expected [${m.expected.join(", ")}]`);
    super("BAD_WEIGHTS", `weights do not fit the architecture: ${parts.join("; ")}`, { path });
    this.missing = missing;
    this.misshapen = misshapen;
  }
}
