/**
 * A tiny runtime validator for the figure input files (no zod): combinators that check a parsed
 * JSON value against a shape and collect every problem with its JSON path.
 */

/** One problem found in an input value: where (JSON path like `$.slides[3].f1`) and what was expected. */
export interface InputIssue {
  path: string;
  expected: string;
  found: string;
}

/** A checker for values of type `T`: pushes issues for `value` at `path`. */
export interface Check<T> {
  (value: unknown, path: string, issues: InputIssue[]): void;
  /** Phantom field carrying the checked type; never set. */
  readonly __type?: T;
  /** What the checker expects, for messages. */
  readonly description: string;
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return `array(${v.length})`;
  if (typeof v === "number") return Number.isNaN(v) ? "NaN" : String(v);
  if (typeof v === "string") return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  return typeof v;
}

function make<T>(description: string, fn: (value: unknown, path: string, issues: InputIssue[]) => void): Check<T> {
  return Object.assign(fn, { description }) as Check<T>;
}

function leaf<T>(description: string, ok: (v: unknown) => boolean): Check<T> {
  return make<T>(description, (v, path, issues) => {
    if (!ok(v)) issues.push({ path, expected: description, found: describe(v) });
  });
}

/** A string. */
export const str = leaf<string>("string", (v) => typeof v === "string");
/** A boolean. */
export const bool = leaf<boolean>("boolean", (v) => typeof v === "boolean");
/** A finite number. */
export const num = leaf<number>("finite number", (v) => typeof v === "number" && Number.isFinite(v));
/** A finite number ≥ 0 (counts, sizes). */
export const count = leaf<number>("finite number ≥ 0", (v) => typeof v === "number" && Number.isFinite(v) && v >= 0);
/** A metric that may be undefined: finite number or null (JSON's stand-in for NaN). */
export const metric = leaf<number | null>("finite number or null", (v) => v === null || (typeof v === "number" && Number.isFinite(v)));
/** 0 or 1. */
export const binary = leaf<0 | 1>("0 or 1", (v) => v === 0 || v === 1);

/** An array whose items all pass `item`. */
export function arr<T>(item: Check<T>): Check<T[]> {
  return make<T[]>(`array of ${item.description}`, (v, path, issues) => {
    if (!Array.isArray(v)) {
      issues.push({ path, expected: `array of ${item.description}`, found: describe(v) });
      return;
    }
    v.forEach((x, i) => item(x, `${path}[${i}]`, issues));
  });
}

/** A fixed-length tuple of numbers, e.g. a CI `[low, high]`. */
export function numTuple<T extends number[]>(length: number): Check<T> {
  return make<T>(`array of ${length} finite numbers`, (v, path, issues) => {
    if (!Array.isArray(v) || v.length !== length || !v.every((x) => typeof x === "number" && Number.isFinite(x))) {
      issues.push({ path, expected: `array of ${length} finite numbers`, found: describe(v) });
    }
  });
}

/** `inner` or null. */
export function nullable<T>(inner: Check<T>): Check<T | null> {
  return make<T | null>(`${inner.description} or null`, (v, path, issues) => {
    if (v !== null) inner(v, path, issues);
  });
}

/** A record with string keys and values passing `value`. */
export function record<T>(value: Check<T>): Check<Record<string, T>> {
  return make<Record<string, T>>(`object of ${value.description}`, (v, path, issues) => {
    if (typeof v !== "object" || v === null || Array.isArray(v)) {
      issues.push({ path, expected: `object of ${value.description}`, found: describe(v) });
      return;
    }
    for (const [k, x] of Object.entries(v)) value(x, `${path}.${k}`, issues);
  });
}

type Shape = Record<string, Check<unknown>>;
type Optional<C> = C & { readonly optional: true };

/** Marks an object field as optional (may be absent or undefined). */
export function optional<T>(inner: Check<T>): Optional<Check<T | undefined>> {
  const c = make<T | undefined>(`${inner.description} (optional)`, (v, path, issues) => {
    if (v !== undefined) inner(v, path, issues);
  });
  return Object.assign(c, { optional: true as const });
}

/** An object with the given fields (extra fields are allowed and ignored). */
export function obj<T>(fields: Shape): Check<T> {
  return make<T>("object", (v, path, issues) => {
    if (typeof v !== "object" || v === null || Array.isArray(v)) {
      issues.push({ path, expected: "object", found: describe(v) });
      return;
    }
    const o = v as Record<string, unknown>;
    for (const [k, check] of Object.entries(fields)) {
      if (!(k in o) && !("optional" in check)) {
        issues.push({ path: `${path}.${k}`, expected: check.description, found: "missing" });
        continue;
      }
      check(o[k], `${path}.${k}`, issues);
    }
  });
}

/** Runs `check` on `value` and returns every issue found (empty = valid). */
export function runCheck<T>(check: Check<T>, value: unknown): InputIssue[] {
  const issues: InputIssue[] = [];
  check(value, "$", issues);
  return issues;
}
