import type { BackbonePort, MilPort, SlideBagPort } from "../ports/pipeline";
import type { FeatureSlide } from "./feature-index";

/**
 * A slide's MIL bag from its two feature files: features as stored, positions as tile centres in mm
 * from the slide's true mpp (tile footprint = 256 px at the target scale).
 */
export async function slideBag(backbone: BackbonePort, mil: MilPort, slide: FeatureSlide, mpp: number): Promise<SlideBagPort & { n05: number; n20: number }> {
  const a = await backbone.readFeatureFile(slide.file05);
  const b = await backbone.readFeatureFile(slide.file20);
  const pos = (coords: Float64Array, scale: number) => mil.tileCentresMm(coords, { mppX: mpp, mppY: mpp, tileSizeLevel0: (256 * scale) / mpp });
  return { slideId: slide.slide_id, features05: a.features, coords05: pos(a.coords, 0.5), features20: b.features, coords20: pos(b.coords, 2), n05: a.n, n20: b.n };
}
