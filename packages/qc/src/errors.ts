/** Why QC could not run. */
export type QcErrorCode = "BAD_IMAGE" | "BAD_OPTION" | "UNKNOWN_RULE";

/** Every failure of @osfm/qc: carries a machine-readable code and what was being checked. */
export class QcError extends Error {
  override readonly name = "QcError";
  readonly code: QcErrorCode;
  /** The slide path or image the error is about, when known. */
  readonly subject: string;
  constructor(code: QcErrorCode, subject: string, message: string, options?: { cause?: unknown }) {
    super(`${subject}: ${message}`, options);
    this.code = code;
    this.subject = subject;
  }
}
