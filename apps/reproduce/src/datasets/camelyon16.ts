import { basename, extname, join } from "node:path";
import type { AdapterResult, DatasetAdapter, SlideEntry } from "./types";
import { isSlideFile, listFiles } from "./paths";

const NAME = /^(tumor|normal|test)_(\d+)$/i;

/**
 * CAMELYON16: `tumor_NNN.tif` (label tumor) and `normal_NNN.tif` (label normal), anywhere under the root.
 * The official `test_NNN` slides are excluded (the original claims to hold them out but does not);
 * other files (masks, annotations) are ignored and counted.
 */
export const camelyon16Adapter: DatasetAdapter = {
  dataset: "camelyon16",
  defaultSubdir: join("Raw Data", "CAMELYON16"),
  async read(root): Promise<AdapterResult> {
    const slides: SlideEntry[] = [];
    let tests = 0;
    let other = 0;
    for (const rel of await listFiles(root)) {
      if (!isSlideFile(rel)) continue;
      const slideId = basename(rel, extname(rel));
      const m = NAME.exec(slideId);
      if (!m) {
        other++;
        continue;
      }
      const kind = m[1]!.toLowerCase();
      if (kind === "test") {
        tests++;
        continue;
      }
      slides.push({
        slideId,
        dataset: "camelyon16",
        path: join(root, rel),
        patientId: slideId,
        group: null,
        label: kind,
        extra: { tumor: kind === "tumor" ? 1 : 0 },
      });
    }
    const notes: string[] = [];
    if (tests) notes.push(`CAMELYON16: ${tests} official test slide(s) (test_NNN) excluded`);
    if (other) notes.push(`CAMELYON16: ${other} file(s) not named tumor_NNN/normal_NNN ignored`);
    return { dataset: "camelyon16", root, slides, notes };
  },
};
