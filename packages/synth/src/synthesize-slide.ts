import { basename } from "node:path";
import { writeSlide } from "@osfm/wsi";
import { renderLabel, renderMacro } from "./associated";
import { SynthError } from "./errors";
import { writeFileAtomic, writeGrayPng } from "./atomic";
import { computeFields, type SlideFields } from "./fields";
import { computeMasks } from "./masks";
import { planLayout } from "./layout";
import { defaultWorkers, inlineRenderer, workerRenderer } from "./region-source";
import { createRenderContext } from "./render";
import { blobMaxRadius, blobPolygon, polygonArea, round2 } from "./shapes";
import type { LesionTruth, SlideTruth, SynthesizeSlideOptions } from "./types";

/** `<dir>/<stem>` of a slide path: ground truth files are `<stem>.truth.json`, `.tissue.png`, `.pen.png`, `.lesion.png`. */
export function truthStem(path: string): string {
  return path.replace(/\.(svs|tiff?|ome\.tiff?)$/i, "");
}

function maxDiameter(poly: [number, number][]): number {
  let best = 0;
  for (const [x1, y1] of poly) for (const [x2, y2] of poly) best = Math.max(best, Math.hypot(x2 - x1, y2 - y1));
  return best;
}

/**
 * Renders a synthetic H&E slide region by region (bounded memory), writes it with `@osfm/wsi`'s
 * `writeSlide` (Aperio SVS by default, JPEG tiles), then its ground truth next to it: masks as PNG and
 * `<stem>.truth.json` (written last, so its presence marks a complete slide). Same options and seed → same bytes.
 */
export async function synthesizeSlide(path: string, options: SynthesizeSlideOptions = {}): Promise<SlideTruth> {
  const { format = "svs", quality = 90, associatedImages = true, workers = defaultWorkers() } = options;
  let layout: ReturnType<typeof planLayout>;
  try {
    layout = planLayout(options);
  } catch (error) {
    throw new SynthError("BAD_OPTIONS", path, (error as Error).message, { cause: error });
  }
  // With workers, this thread needs only the fields (masks, macro); the workers build full contexts.
  const fields = workers > 0 ? computeFields(layout) : undefined;
  const ctx = workers > 0 ? undefined : createRenderContext(layout);
  const slideFields = (fields ?? ctx?.fields) as SlideFields;
  const objectivePower = options.objectivePower ?? (layout.mpp <= 0.3 ? 40 : 20);
  const label = renderLabel(layout);
  const svsExtras = format === "svs" && associatedImages ? { label, macro: renderMacro(layout, slideFields, label) } : {};
  const renderer = ctx ? inlineRenderer(ctx) : workerRenderer(options, workers, layout.heightPx);
  try {
    await writeSlide(
      path,
      {
        width: layout.widthPx,
        height: layout.heightPx,
        mpp: layout.mpp,
        objectivePower,
        readRegion: (x, y, w, h) => renderer.readRegion(x, y, w, h),
      },
      {
        format,
        compression: "jpeg",
        quality,
        ...svsExtras,
        onProgress: options.onProgress ? (p) => options.onProgress?.(p.rowsDone / p.rowsTotal) : undefined,
        signal: options.signal,
      },
    );
  } catch (error) {
    const aborted = options.signal?.aborted === true;
    throw new SynthError(aborted ? "ABORTED" : "WRITE_FAILED", path, aborted ? "aborted" : `could not write the slide: ${(error as Error).message}`, { cause: error });
  } finally {
    await renderer.close();
  }
  const stem = truthStem(path);
  const masks = computeMasks(layout, slideFields);
  await writeGrayPng(`${stem}.tissue.png`, masks.tissue, masks.width, masks.height);
  await writeGrayPng(`${stem}.pen.png`, masks.pen, masks.width, masks.height);
  await writeGrayPng(`${stem}.lesion.png`, masks.lesion, masks.width, masks.height);
  const counts = new Array<number>(layout.classes.length).fill(0);
  let tissue = 0;
  let pen = 0;
  for (let k = 0; k < masks.tissue.length; k++) {
    if (masks.pen[k]) pen++;
    if (!masks.tissue[k]) continue;
    tissue++;
    const c = masks.cls[k] as number;
    counts[c] = (counts[c] as number) + 1;
  }
  const classFractions: Record<string, number> = {};
  layout.classes.forEach((c, i) => (classFractions[c] = tissue ? Number(((counts[i] as number) / tissue).toFixed(4)) : 0));
  const label0 = layout.classes.reduce((best, c, i) => ((counts[i] as number) > (counts[layout.classes.indexOf(best)] as number) ? c : best), layout.classes[0] as string);
  const lesions: LesionTruth[] = layout.lesions.map((l) => {
    const polygonUm = blobPolygon(l.blob);
    return {
      tissueClass: layout.classes[l.classIndex] as string,
      xUm: round2(l.blob.x),
      yUm: round2(l.blob.y),
      radiusUm: round2(l.blob.r0),
      maxDiameterUm: round2(Math.min(2 * blobMaxRadius(l.blob), maxDiameter(polygonUm))),
      areaUm2: Math.round(polygonArea(polygonUm)),
      polygonUm,
    };
  });
  const name = (suffix: string) => `${basename(stem)}.${suffix}.png`;
  const truth: SlideTruth = {
    schema: "osfm-synth/slide@1",
    file: basename(path),
    format,
    seed: layout.seedInput,
    mpp: layout.mpp,
    objectivePower,
    widthPx: layout.widthPx,
    heightPx: layout.heightPx,
    widthUm: layout.widthUm,
    heightUm: layout.heightUm,
    center: layout.centerName,
    tissueClass: layout.mixture,
    label: label0,
    classFractions,
    lesions,
    pen: layout.pen,
    blur: layout.blur,
    folds: layout.folds,
    tissueFraction: Number((tissue / masks.tissue.length).toFixed(4)),
    penFraction: Number((pen / masks.pen.length).toFixed(4)),
    masks: { downsample: masks.downsample, width: masks.width, height: masks.height, tissue: name("tissue"), pen: name("pen"), lesion: name("lesion") },
  };
  await writeFileAtomic(`${stem}.truth.json`, `${JSON.stringify(truth, null, 1)}\n`);
  return truth;
}
