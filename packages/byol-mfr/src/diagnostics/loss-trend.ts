import { readFile } from "node:fs/promises";
import { ByolMfrError } from "../errors";

/** Loss trend of a training log (NB06C): medians of the first and last max(3, ⌊n/10⌋) losses. */
export interface LossTrend {
  rows: number;
  window: number;
  start: number;
  end: number;
  /** (start − end) / start; NaN when the log has fewer than 6 rows. */
  rel: number;
}

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

/** Computes the trend from losses in log order. */
export function lossTrend(losses: readonly number[]): LossTrend {
  const n = losses.length;
  const window = Math.max(3, Math.floor(n / 10));
  if (n < 2 * 3) return { rows: n, window, start: Number.NaN, end: Number.NaN, rel: Number.NaN };
  const start = median(losses.slice(0, window));
  const end = median(losses.slice(n - window));
  return { rows: n, window, start, end, rel: (start - end) / start };
}

/** Reads the `loss` column of a training-log CSV (the file NB06C reads; header `…,loss,…`). */
export async function readCsvLosses(file: string): Promise<number[]> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    return [];
  }
  const lines = text.split("\n").filter((l) => l.trim() !== "");
  const head = (lines[0] ?? "").split(",");
  const col = head.indexOf("loss");
  if (lines.length > 0 && col < 0) throw new ByolMfrError("BAD_LOG", `no "loss" column in the header "${lines[0]}"`, file);
  return lines.slice(1).map((l) => Number(l.split(",")[col])).filter((v) => Number.isFinite(v));
}
