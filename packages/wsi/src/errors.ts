/** Why a slide could not be opened or read. */
export type WsiErrorCode =
  | "NOT_FOUND"
  | "NOT_A_TIFF"
  | "UNSUPPORTED_FORMAT"
  | "UNSUPPORTED_COMPRESSION"
  | "CORRUPT"
  | "UNTILED"
  | "DECODE_FAILED"
  | "BAD_REQUEST"
  | "CLOSED"
  | "ABORTED"
  | "WRITE_FAILED";

/** Every failure of @osfm/wsi: carries the file, a machine-readable code and the underlying cause. */
export class WsiError extends Error {
  override readonly name = "WsiError";
  readonly code: WsiErrorCode;
  readonly path: string;
  constructor(code: WsiErrorCode, path: string, message: string, options?: { cause?: unknown }) {
    super(`${path}: ${message}`, options);
    this.code = code;
    this.path = path;
  }
}
