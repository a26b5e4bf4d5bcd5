import path from "node:path";

/** Folder name of a scale: 0.5 µm/px → `scale0p5`, 2.0 → `scale2p0` (the original's names). */
export function scaleFolder(scale: number): string {
  const text = Number.isInteger(scale) ? scale.toFixed(1) : String(scale);
  return `scale${text.replace(".", "p")}`;
}

/** `<root>/<encoder id>/<scale folder>/<slide id>.h5`: one cache per backbone, so a new backbone never reuses old features. */
export function featureFilePath(root: string, encoderId: string, scale: number, slideId: string): string {
  return path.join(root, encoderId, scaleFolder(scale), `${slideId}.h5`);
}
