import type { StageRecord } from "../workspace/passport";
import { formatSeconds } from "../util/memory";

/** What a stage is about to do. */
export interface StageStartInfo {
  stage: string;
  /** Which unit count to show as a rate (e.g. "tiles"); slides when absent. */
  rateCount?: string;
  nb: string;
  title: string;
  /** Units to run now. */
  todo: number;
  /** Units skipped because they are done with the same inputs and config. */
  skipped: number;
  /** Of `todo`, how many are stale (done before with other inputs/config). */
  stale: number;
  /** Units skipped because they failed before with the same inputs (rerun with --retry-failed). */
  failedBefore: number;
  /** Units waiting for upstream outputs. */
  missing: number;
}

/** Where the runner's progress goes: a TTY bar, plain lines, JSON lines, or almost nothing. */
export interface Reporter {
  stageStart(info: StageStartInfo): void;
  unitDone(stage: string, unit: string, status: "done" | "failed", counts: Record<string, number>, error?: string): void;
  stageEnd(record: StageRecord): void;
  info(message: string): void;
  warn(message: string): void;
}

/** An output stream (process.stdout / stderr, or a test buffer). */
export interface Sink {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

function startLine(i: StageStartInfo): string {
  const parts = [`${i.todo} to do`];
  if (i.skipped) parts.push(`${i.skipped} skipped (done, same inputs and config)`);
  if (i.stale) parts.push(`${i.stale} stale (redone)`);
  if (i.failedBefore) parts.push(`${i.failedBefore} failed before (skipped; --retry-failed to retry)`);
  if (i.missing) parts.push(`${i.missing} waiting for upstream inputs`);
  return `[${i.stage}] ${i.nb} ${i.title}: ${parts.join(", ")}`;
}

function endLine(r: StageRecord): string {
  const counts = Object.entries(r.counts)
    .filter(([, v]) => v !== 0)
    .map(([k, v]) => `${k}=${v}`)
    .join(" ");
  return `[${r.stage}] ${r.status} in ${formatSeconds(r.seconds)}${counts ? ` (${counts})` : ""}${r.message ? `: ${r.message}` : ""}`;
}

/** Plain log lines (non-TTY): one at stage start, one per finished slide, one at stage end. */
export class LineReporter implements Reporter {
  protected readonly out: Sink;
  protected readonly quiet: boolean;
  protected started = new Map<string, { t0: number; todo: number; done: number; rateSum: number }>();
  constructor(out: Sink, options: { quiet?: boolean } = {}) {
    this.out = out;
    this.quiet = options.quiet ?? false;
  }
  stageStart(info: StageStartInfo): void {
    this.started.set(info.stage, { t0: Date.now(), todo: info.todo, done: 0, rateSum: 0 });
    if (!this.quiet) this.out.write(`${startLine(info)}\n`);
  }
  unitDone(stage: string, unit: string, status: "done" | "failed", counts: Record<string, number>, error?: string): void {
    const s = this.started.get(stage);
    if (s) s.done++;
    if (status === "failed") this.out.write(`[${stage}] FAILED ${unit}: ${error ?? ""}\n`);
    else if (!this.quiet && s && s.todo > 1) {
      const eta = s.done < s.todo ? ((Date.now() - s.t0) / s.done) * (s.todo - s.done) : 0;
      const extra = Object.entries(counts).map(([k, v]) => `${k}=${v}`).join(" ");
      this.out.write(`[${stage}] ${s.done}/${s.todo} ${unit}${extra ? ` ${extra}` : ""} (ETA ${formatSeconds(eta / 1000)})\n`);
    }
  }
  stageEnd(record: StageRecord): void {
    if (!this.quiet || record.status !== "done") this.out.write(`${endLine(record)}\n`);
  }
  info(message: string): void {
    if (!this.quiet) this.out.write(`${message}\n`);
  }
  warn(message: string): void {
    this.out.write(`warning: ${message}\n`);
  }
}

/** A progress bar on a TTY: slides done/total, items/s, ETA, redrawn in place. */
export class BarReporter extends LineReporter {
  private rateKey = new Map<string, string | undefined>();
  private counted = new Map<string, number>();
  override stageStart(info: StageStartInfo): void {
    this.rateKey.set(info.stage, info.rateCount);
    this.counted.set(info.stage, 0);
    super.stageStart(info);
  }
  override unitDone(stage: string, unit: string, status: "done" | "failed", counts: Record<string, number>, error?: string): void {
    const s = this.started.get(stage);
    if (!s) return;
    s.done++;
    if (status === "failed") this.out.write(`\r\x1b[2K[${stage}] FAILED ${unit}: ${error ?? ""}\n`);
    const key = this.rateKey.get(stage);
    const items = (this.counted.get(stage) ?? 0) + (key ? counts[key] ?? 0 : 1);
    this.counted.set(stage, items);
    const seconds = (Date.now() - s.t0) / 1000;
    const width = Math.max(10, Math.min(30, (this.out.columns ?? 80) - 60));
    const filled = Math.round((s.done / Math.max(1, s.todo)) * width);
    const eta = s.done < s.todo ? (seconds / s.done) * (s.todo - s.done) : 0;
    const rate = seconds > 0 ? items / seconds : 0;
    this.out.write(
      `\r\x1b[2K[${stage}] [${"#".repeat(filled)}${"-".repeat(width - filled)}] ${s.done}/${s.todo} slides · ${rate.toFixed(1)} ${key ?? "slides"}/s · ETA ${formatSeconds(eta)}`,
    );
  }
  override stageEnd(record: StageRecord): void {
    this.out.write("\r\x1b[2K");
    super.stageEnd(record);
  }
}

/** One JSON object per line (`--json-log`), for log collectors. */
export class JsonReporter implements Reporter {
  private readonly out: Sink;
  constructor(out: Sink) {
    this.out = out;
  }
  private emit(event: string, data: Record<string, unknown>): void {
    this.out.write(`${JSON.stringify({ ts: new Date().toISOString(), event, ...data })}\n`);
  }
  stageStart(info: StageStartInfo): void {
    this.emit("stage-start", { ...info });
  }
  unitDone(stage: string, unit: string, status: "done" | "failed", counts: Record<string, number>, error?: string): void {
    this.emit("unit", { stage, unit, status, counts, ...(error ? { error } : {}) });
  }
  stageEnd(record: StageRecord): void {
    this.emit("stage-end", { ...record });
  }
  info(message: string): void {
    this.emit("info", { message });
  }
  warn(message: string): void {
    this.emit("warning", { message });
  }
}

/** Picks the reporter for the flags and the stream: JSON lines, a bar on a TTY, else plain lines. */
export function createReporter(out: Sink, options: { quiet?: boolean; jsonLog?: boolean } = {}): Reporter {
  if (options.jsonLog) return new JsonReporter(out);
  if (out.isTTY && !options.quiet) return new BarReporter(out);
  return new LineReporter(out, options.quiet === undefined ? {} : { quiet: options.quiet });
}
