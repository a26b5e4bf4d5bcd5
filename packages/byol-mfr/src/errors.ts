/** What went wrong in @osfm/byol-mfr. */
export type ByolMfrErrorCode =
  | "NO_SLIDES"
  | "BAD_CONFIG"
  | "BAD_BAG"
  | "BAD_CHECKPOINT"
  | "BAD_LOG"
  | "ABORTED"
  | "NON_FINITE";

/** A typed error that names what was expected and where (file, slide, step). */
export class ByolMfrError extends Error {
  override readonly name = "ByolMfrError";
  constructor(
    readonly code: ByolMfrErrorCode,
    message: string,
    readonly where?: string,
    options?: { cause?: unknown },
  ) {
    super(where === undefined ? message : `${message} (${where})`, options);
  }
}
