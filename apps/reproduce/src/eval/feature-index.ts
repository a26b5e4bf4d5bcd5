import { readStageMarkers } from "../runner/markers";
import type { StageContext } from "../runner/stage";

/** A slide with features: its labels and its two feature files. */
export interface FeatureSlide {
  slide_id: string;
  dataset: string;
  label: string | null;
  patient_id: string;
  group: string | null;
  encoder_id: string;
  file05: string;
  file20: string;
  fingerprint: string;
}

/**
 * Slides with features from the newest feature stage that has any (`features-pretrained`, else
 * `features`, or `panda-features` for PANDA), with the stage used, for the provenance line of results.
 */
export async function featureSlides(ctx: StageContext, stages: readonly string[], dataset?: string): Promise<{ stage: string; slides: FeatureSlide[] } | undefined> {
  for (const stage of stages) {
    const markers = await readStageMarkers(ctx.ws, stage);
    const slides: FeatureSlide[] = [];
    for (const m of markers.values()) {
      if (m.status !== "done" || !m.row || !Array.isArray(m.row.files)) continue;
      const r = m.row;
      if (dataset && r.dataset !== dataset) continue;
      const files = r.files as string[];
      const f05 = files.find((f) => f.includes("/scale0p5/"));
      const f20 = files.find((f) => f.includes("/scale2p0/"));
      if (!f05 || !f20) continue;
      slides.push({ slide_id: String(r.slide_id), dataset: String(r.dataset), label: (r.label as string | null) ?? null, patient_id: String(r.patient_id ?? r.slide_id), group: (r.group as string | null) ?? null, encoder_id: String(r.encoder_id), file05: ctx.ws.path(f05), file20: ctx.ws.path(f20), fingerprint: m.fingerprint });
    }
    if (slides.length) return { stage, slides: slides.sort((a, b) => (a.slide_id < b.slide_id ? -1 : 1)) };
  }
  return undefined;
}
