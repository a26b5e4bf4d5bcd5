/** Why a bag, a checkpoint or a training set was refused. */
export type MilErrorCode = "EMPTY_BAG" | "MISSING_SCALE" | "NOT_FINITE" | "BAD_SHAPE" | "BAD_CHECKPOINT" | "BAD_LABELS";

/** Every input failure of @osfm/mil: names the slide (or file) and what was expected. */
export class MilInputError extends Error {
  override readonly name = "MilInputError";
  constructor(
    readonly code: MilErrorCode,
    /** Slide id or file path the error is about. */
    readonly subject: string,
    message: string,
  ) {
    super(`${subject}: ${message}`);
  }
}
