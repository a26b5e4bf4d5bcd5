// Public API of @osfm/qc: see README.md.
export { computeQc, computeQcOnImage } from "./compute";
export { laplacianVariance } from "./blur";
export { QcError } from "./errors";
export type { QcErrorCode } from "./errors";
export { DEFAULT_THRESHOLDS, exclusionReasons } from "./exclusion";
export type { ExclusionInput } from "./exclusion";
export { flattenOnWhite, hsvPlanes, rgbToGrayPil, rgbToHsvPil } from "./hsv";
export type { HsvPlanes } from "./hsv";
export { otsuThreshold } from "./otsu";
export { renderQcOverlay } from "./overlay";
export type { QcOverlayOptions } from "./overlay";
export { DEFAULT_INK_BANDS, getPenRule, inkBandsRule, registerPenRule } from "./pen";
export type { InkBand, PenRule } from "./pen";
export { getTissueRule, registerTissueRule, whiteMask } from "./tissue";
export type { ResolvedHsv, TissueRule, TissueRuleResult } from "./tissue";
export type {
  HsvThresholds,
  PenRuleName,
  QcImageOptions,
  QcMask,
  QcOptions,
  QcResult,
  QcThresholds,
  TissueRuleName,
} from "./types";
