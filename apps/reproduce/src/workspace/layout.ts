import { mkdir } from "node:fs/promises";
import { join, relative } from "node:path";

/** Folders NB01 creates (ARCHITECTURE.md "Files on disk", plus the original's `logs` and `hashes`). */
export const WORKSPACE_DIRS = [
  "manifests",
  "qc",
  "qc/thumbs",
  "qc/overlays",
  "qc/masks",
  "tiles",
  "features",
  "weights",
  "diagnostics",
  "embeddings",
  "results",
  "figures",
  "logs",
  "hashes",
] as const;

/** Encodes a scale in µm/px the way folder names do: 0.5 → "scale0p5", 2 → "scale2p0". */
export function scaleDir(scaleUmPerPx: number): string {
  return `scale${scaleUmPerPx.toFixed(1).replace(".", "p")}`;
}

/** A slide id made safe for a file name (ids normally are; this guards against separators). */
export function safeId(id: string): string {
  return id.replace(/[/\\:\0]/g, "_");
}

/**
 * The paths of one workspace, exactly as ARCHITECTURE.md lays them out. Every stage gets its paths
 * from here, so the layout lives in one place.
 */
export class Workspace {
  readonly root: string;
  constructor(root: string) {
    this.root = root;
  }
  path(...parts: string[]): string {
    return join(this.root, ...parts);
  }
  /** Path relative to the workspace root (for passport records and markers). */
  rel(path: string): string {
    return relative(this.root, path);
  }
  get passport(): string {
    return this.path("passport.json");
  }
  get failuresCsv(): string {
    return this.path("failures.csv");
  }
  get reportHtml(): string {
    return this.path("report.html");
  }
  get slidesArrow(): string {
    return this.path("manifests", "slides.arrow");
  }
  get slidesCsv(): string {
    return this.path("manifests", "slides.csv");
  }
  get qcArrow(): string {
    return this.path("qc", "qc.arrow");
  }
  qcThumb(slideId: string): string {
    return this.path("qc", "thumbs", `${safeId(slideId)}.png`);
  }
  qcOverlay(slideId: string): string {
    return this.path("qc", "overlays", `${safeId(slideId)}.png`);
  }
  qcMask(slideId: string): string {
    return this.path("qc", "masks", `${safeId(slideId)}.tissue.png`);
  }
  tiles(slideId: string): string {
    return this.path("tiles", `${safeId(slideId)}.arrow`);
  }
  features(backboneId: string, scaleUmPerPx: number, slideId: string): string {
    return this.path("features", safeId(backboneId), scaleDir(scaleUmPerPx), `${safeId(slideId)}.h5`);
  }
  get weights(): string {
    return this.path("weights");
  }
  get diagnostics(): string {
    return this.path("diagnostics");
  }
  embeddings(dataset: string): string {
    return this.path("embeddings", `${dataset}.arrow`);
  }
  results(task: string, ...file: string[]): string {
    return this.path("results", task, ...file);
  }
  get figures(): string {
    return this.path("figures");
  }
  /** Per-stage, per-unit state markers (done/failed + fingerprint): `hashes/<stage>/<unit>.json`. */
  marker(stage: string, unit: string): string {
    return this.path("hashes", stage, `${safeId(unit)}.json`);
  }
  markerDir(stage: string): string {
    return this.path("hashes", stage);
  }
  /** Creates every folder of the layout (idempotent). */
  async create(): Promise<void> {
    for (const dir of WORKSPACE_DIRS) await mkdir(this.path(dir), { recursive: true });
  }
}
