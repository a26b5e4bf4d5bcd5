/** Verdict of one gate, printed as `[ OK ]`, `[WARN]`, `[FAIL]`. */
export type GateStatus = "PASS" | "WARN" | "FAIL";

/** One NB06C gate. */
export interface Gate {
  id: "G1" | "G2" | "G3" | "G4";
  name: string;
  status: GateStatus;
  /** The measured value the rule was applied to. */
  value: number | string | null;
  /** The rule in words, with the thresholds used. */
  rule: string;
}

/** Coverage thresholds: the original's 18,000 / 15,000 slides, or the same fractions (0.9 / 0.75) of a cohort. */
export function coverageThresholds(expectedSlides: number | undefined, paperCompat: boolean): { pass: number; warn: number } {
  if (paperCompat || expectedSlides === undefined) return { pass: 18_000, warn: 15_000 };
  return { pass: Math.ceil(0.9 * expectedSlides), warn: Math.ceil(0.75 * expectedSlides) };
}

/** G1: slides with features at both scales. */
export function coverageGate(covered: number, t: { pass: number; warn: number }): Gate {
  const status: GateStatus = covered >= t.pass ? "PASS" : covered >= t.warn ? "WARN" : "FAIL";
  return { id: "G1", name: "two-scale coverage", status, value: covered, rule: `PASS ≥ ${t.pass}, WARN ≥ ${t.warn}, else FAIL` };
}

/** G2: relative loss improvement (NaN = trend unavailable → WARN). */
export function lossGate(rel: number): Gate {
  const status: GateStatus = Number.isNaN(rel) ? "WARN" : rel >= 0.6 ? "PASS" : rel >= 0.3 ? "WARN" : "FAIL";
  return { id: "G2", name: "loss trend", status, value: Number.isNaN(rel) ? null : rel, rule: "PASS rel ≥ 0.60, WARN ≥ 0.30 or unavailable, else FAIL" };
}

/** G3: checkpoint files exist and the last 6 load. */
export function checkpointGate(total: number, checked: number, loaded: number): Gate {
  const status: GateStatus = total === 0 ? "FAIL" : loaded === checked ? "PASS" : "WARN";
  return { id: "G3", name: "checkpoints", status, value: `${loaded}/${checked} of the last ${checked} load (${total} files)`, rule: "PASS ≥ 1 file and all of the last 6 load, WARN some fail, FAIL none" };
}

/** G4: backbone trained (vs starting weights). */
export function backboneGate(verdict: "TRAINED" | "LIKELY_FROZEN" | "UNAVAILABLE", fraction: number | null): Gate {
  const status: GateStatus = verdict === "TRAINED" ? "PASS" : verdict === "LIKELY_FROZEN" ? "FAIL" : "WARN";
  return { id: "G4", name: "backbone trained", status, value: fraction, rule: "PASS TRAINED (> 50 % of tensors' L2 norms changed by > 1e-4 relative), WARN no backbone / no reference, FAIL LIKELY_FROZEN" };
}

const MARK: Record<GateStatus, string> = { PASS: "[ OK ]", WARN: "[WARN]", FAIL: "[FAIL]" };

/** The gates as a fixed-width table (for an app to print). */
export function gatesTable(gates: readonly Gate[]): string {
  const rows = gates.map((g) => [MARK[g.status], g.id, g.name, g.value === null ? "n/a" : typeof g.value === "number" ? fmt(g.value) : g.value, g.rule]);
  const head = ["", "gate", "name", "value", "rule"];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (r: readonly string[]) => r.map((c, i) => String(c).padEnd(widths[i] as number)).join("  ").trimEnd();
  return [line(head), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

const fmt = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(4));
