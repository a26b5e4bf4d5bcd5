/** Why tiling could not run. */
export type TilingErrorCode = "MISSING_MPP" | "BAD_MASK" | "BAD_OPTION" | "BAD_MANIFEST";

/** Every failure of @osfm/tiling: a machine-readable code and the slide or file it is about. */
export class TilingError extends Error {
  override readonly name = "TilingError";
  readonly code: TilingErrorCode;
  /** The slide path or manifest file the error is about. */
  readonly subject: string;
  constructor(code: TilingErrorCode, subject: string, message: string, options?: { cause?: unknown }) {
    super(`${subject}: ${message}`, options);
    this.code = code;
    this.subject = subject;
  }
}
