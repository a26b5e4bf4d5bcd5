import type { RgbaImage, Slide } from "@osfm/wsi";
import { laplacianVariance } from "./blur";
import { QcError } from "./errors";
import { exclusionReasons } from "./exclusion";
import { assertRgba, flattenOnWhite, hsvPlanes } from "./hsv";
import { getPenRule } from "./pen";
import { getTissueRule, whiteMask, type ResolvedHsv } from "./tissue";
import type { QcImageOptions, QcMask, QcOptions, QcResult } from "./types";

function fraction(mask: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < mask.length; i++) n += mask[i]!;
  return n / mask.length;
}

function meanOver(plane: Uint8Array, mask: Uint8Array, useMask: boolean): number {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < plane.length; i++) {
    if (useMask && mask[i] === 0) continue;
    sum += plane[i]!;
    n++;
  }
  return n === 0 ? 0 : sum / n;
}

/**
 * QC of an RGBA thumbnail: tissue, white and pen masks, blur, brightness/saturation and the exclusion rule.
 * This is the pure part of `computeQc`, for callers who already hold a thumbnail.
 */
export function computeQcOnImage(image: RgbaImage, options: QcImageOptions = {}, subject = "image"): QcResult {
  const { tissueRule = "hsv", penRule = "inks", hsv = {}, thresholds = {}, minThumbnailSide = 64, level0Width = image.width } = options;
  assertRgba(image, subject);
  if (!(level0Width > 0)) throw new QcError("BAD_OPTION", subject, `level0Width must be positive, got ${level0Width}`);
  const resolved: ResolvedHsv = { tissueSatMin: 20, whiteValMin: 230, whiteSatMax: 30, ...hsv };
  const rgb = flattenOnWhite(image);
  const planes = hsvPlanes(rgb);
  const tissueOut = getTissueRule(tissueRule)(planes, resolved);
  const tissue = tissueOut.mask;
  const white = whiteMask(planes, resolved);
  const pen = getPenRule(penRule)(planes);
  const tissuePct = fraction(tissue);
  const hasTissue = tissuePct > 0;
  const metrics = {
    tissuePct,
    whitePct: fraction(white),
    penPct: fraction(pen),
    blurVar: hasTissue ? laplacianVariance(planes.gray, image.width, image.height, tissue) : 0,
    brightnessMean: meanOver(planes.v, tissue, hasTissue),
    saturationMean: meanOver(planes.s, tissue, hasTissue),
  };
  const reasons = exclusionReasons(metrics, thresholds);
  const warnings: string[] = [];
  if (tissueRule === "hsv") {
    // the fixed rule misses bright eosin (V ≥ 230): say so when Otsu on saturation sees much more tissue
    const otsuPct = fraction(getTissueRule("otsu")(planes, resolved).mask);
    if (otsuPct >= 0.05 && tissuePct < 0.5 * otsuPct) {
      warnings.push(`the HSV rule finds ${(100 * tissuePct).toFixed(1)} % tissue but Otsu on saturation finds ${(100 * otsuPct).toFixed(1)} %: a pale or bright slide? consider tissueRule "otsu"`);
    }
  }
  if (Math.max(image.width, image.height) < minThumbnailSide) reasons.push(`thumb<${minThumbnailSide}`);
  const downsample = level0Width / image.width;
  const mask = (data: Uint8Array): QcMask => ({ width: image.width, height: image.height, downsample, data });
  return {
    ...metrics,
    excluded: reasons.length > 0,
    reasons,
    warnings,
    masks: { tissue: mask(tissue), white: mask(white), pen: mask(pen) },
    thumbnail: rgb,
    rules: { tissue: tissueRule, pen: penRule, tissueSatThreshold: tissueOut.satThreshold },
  };
}

/**
 * QC of a slide on its thumbnail (longest side `thumbnailMaxSize`, 1024 px by default), with the original
 * NB03 rules as defaults. Never silently empty: a slide without tissue comes back excluded with `no_tissue`,
 * and a thumbnail smaller than requested is noted in `warnings` (and excluded with `thumb<N` when tiny).
 */
export async function computeQc(slide: Slide, options: QcOptions = {}): Promise<QcResult> {
  const { thumbnailMaxSize = 1024, ...imageOptions } = options;
  if (!Number.isInteger(thumbnailMaxSize) || thumbnailMaxSize < 1) {
    throw new QcError("BAD_OPTION", slide.path, `thumbnailMaxSize must be a positive integer, got ${thumbnailMaxSize}`);
  }
  const level0 = slide.levels[0];
  if (!level0) throw new QcError("BAD_IMAGE", slide.path, "the slide has no levels");
  const thumb = await slide.thumbnail({ maxSize: thumbnailMaxSize });
  const result = computeQcOnImage(thumb, { ...imageOptions, level0Width: level0.width }, slide.path);
  const side = Math.max(thumb.width, thumb.height);
  if (side < thumbnailMaxSize) {
    const why = Math.max(level0.width, level0.height) <= side ? ` (the slide itself is only ${level0.width}x${level0.height})` : "";
    result.warnings.push(`thumbnail ${thumb.width}x${thumb.height} is smaller than the requested ${thumbnailMaxSize} px${why}`);
  }
  return result;
}
