import { QcError } from "./errors";
import type { HsvPlanes } from "./hsv";
import { histogram256, otsuThreshold } from "./otsu";

/** Resolved HSV thresholds (PIL 0–255 scale). */
export interface ResolvedHsv {
  tissueSatMin: number;
  whiteValMin: number;
  whiteSatMax: number;
}

/** A tissue rule's output: the mask and the saturation threshold it used. */
export interface TissueRuleResult {
  mask: Uint8Array;
  satThreshold: number;
}

/** A tissue rule: HSV planes in, a 0/1 mask out. */
export type TissueRule = (planes: HsvPlanes, hsv: ResolvedHsv) => TissueRuleResult;

function thresholdMask(planes: HsvPlanes, satMin: number, valMax: number): Uint8Array {
  const { s, v } = planes;
  const mask = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) mask[i] = s[i]! >= satMin && v[i]! < valMax ? 1 : 0;
  return mask;
}

/** The original NB03 rule: S ≥ 20 and V < 230. */
const hsvRule: TissueRule = (planes, hsv) => ({
  mask: thresholdMask(planes, hsv.tissueSatMin, hsv.whiteValMin),
  satThreshold: hsv.tissueSatMin,
});

/**
 * Otsu on saturation, for pale slides where S ≥ 20 misses tissue: S > t with t from Otsu's method on the
 * thumbnail's S histogram (at least 5, so glass noise never counts). No V cap: pale tissue is bright.
 */
const otsuRule: TissueRule = (planes) => {
  const t = Math.max(5, otsuThreshold(histogram256(planes.s)));
  return { mask: thresholdMask(planes, t + 1, 256), satThreshold: t + 1 };
};

const tissueRules = new Map<string, TissueRule>([
  ["hsv", hsvRule],
  ["otsu", otsuRule],
]);

/** Adds or replaces a tissue rule under `name` so `computeQc({ tissueRule: name })` can use it. */
export function registerTissueRule(name: string, rule: TissueRule): void {
  tissueRules.set(name, rule);
}

/** Looks up a tissue rule; throws a QcError listing the known names when there is none. */
export function getTissueRule(name: string): TissueRule {
  const rule = tissueRules.get(name);
  if (!rule) throw new QcError("UNKNOWN_RULE", "tissueRule", `unknown tissue rule "${name}"; known: ${[...tissueRules.keys()].join(", ")}`);
  return rule;
}

/** The original white rule: V ≥ 230 and S ≤ 30. */
export function whiteMask(planes: HsvPlanes, hsv: ResolvedHsv): Uint8Array {
  const { s, v } = planes;
  const mask = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) mask[i] = v[i]! >= hsv.whiteValMin && s[i]! <= hsv.whiteSatMax ? 1 : 0;
  return mask;
}
