/** Why synthesis failed. */
export type SynthErrorCode = "BAD_OPTIONS" | "ABORTED" | "WRITE_FAILED";

/** Every failure of @osfm/synth: carries the output path (or cohort folder), a code and the cause. */
export class SynthError extends Error {
  override readonly name = "SynthError";
  readonly code: SynthErrorCode;
  readonly path: string;
  constructor(code: SynthErrorCode, path: string, message: string, options?: { cause?: unknown }) {
    super(`${path}: ${message}`, options);
    this.code = code;
    this.path = path;
  }
}
