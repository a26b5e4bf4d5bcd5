/** What went wrong, as a stable token the CLI maps to an exit code. */
export type ReproduceErrorCode =
  | "config"
  | "data-layout"
  | "csv-columns"
  | "path-outside-data"
  | "inputs-missing"
  | "stage-unavailable"
  | "unknown-stage"
  | "workspace"
  | "not-applicable";

/**
 * A problem the user can fix: the message says what was expected, what was found and where.
 * The CLI prints the message (no stack) and exits non-zero.
 */
export class ReproduceError extends Error {
  readonly code: ReproduceErrorCode;
  /** The file or folder concerned, when there is one. */
  readonly path: string | undefined;
  constructor(code: ReproduceErrorCode, message: string, options: { path?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "ReproduceError";
    this.code = code;
    this.path = options.path;
  }
}

/** A CSV lacks the columns an adapter needs; lists what it has and what it needs. */
export class CsvColumnsError extends ReproduceError {
  readonly found: string[];
  readonly expected: string[];
  constructor(path: string, found: string[], expected: string[], hint = "") {
    super(
      "csv-columns",
      `${path}: expected columns ${expected.join(", ")}; found ${found.length ? found.join(", ") : "(none)"}` +
        (hint ? `. ${hint}` : ""),
      { path },
    );
    this.found = found;
    this.expected = expected;
  }
}

/** Every input a stage needs is missing, so it cannot do anything; names the stage and the upstream step. */
export class StageInputsMissingError extends ReproduceError {
  readonly stage: string;
  constructor(stage: string, detail: string) {
    super("inputs-missing", `stage ${stage}: all inputs are missing (${detail})`);
    this.stage = stage;
  }
}

/** A stage's package does not provide the API it needs (yet). */
export class StageUnavailableError extends ReproduceError {
  readonly stage: string;
  constructor(stage: string, detail: string) {
    super("stage-unavailable", `stage ${stage} cannot run: ${detail}`);
    this.stage = stage;
  }
}

/** Turns any thrown value into one line for failures.csv and logs. */
export function errorLine(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`.replace(/\s+/g, " ").trim();
  return String(error).replace(/\s+/g, " ").trim();
}

/** A cohort stage has data, but too little for its protocol (e.g. a class with one patient): it is skipped and says why. */
export class NotApplicableError extends ReproduceError {
  constructor(message: string) {
    super("not-applicable", message);
  }
}
