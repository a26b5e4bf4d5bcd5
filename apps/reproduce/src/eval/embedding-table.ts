import { access } from "node:fs/promises";
import { requirePackage } from "../ports/modules";
import type { MilPort } from "../ports/pipeline";
import { readStageMarkers } from "../runner/markers";
import type { StageContext } from "../runner/stage";
import type { DatasetName } from "../types";

/** A slide embedding joined with the slide's manifest labels. */
export interface EmbeddedSlide {
  slideId: string;
  embedding: Float32Array;
  row: Record<string, unknown>;
}

/** `embeddings/<dataset>.arrow` joined with the manifest (labels, patient, group); undefined if the file is absent. */
export async function embeddedSlides(ctx: StageContext, dataset: DatasetName): Promise<{ slides: EmbeddedSlide[]; checkpoint: string; kind: string } | undefined> {
  const path = ctx.ws.embeddings(dataset);
  try {
    await access(path);
  } catch {
    return undefined;
  }
  const mil = await requirePackage<MilPort>("mil");
  const table = await mil.readEmbeddings(path);
  const manifest = await readStageMarkers(ctx.ws, "manifest");
  const slides = table.rows
    .map((r) => ({ slideId: r.slideId, embedding: r.embedding, row: manifest.get(r.slideId)?.row ?? {} }))
    .sort((a, b) => (a.slideId < b.slideId ? -1 : 1));
  return { slides, checkpoint: table.checkpoint, kind: table.kind };
}

/** Element-wise mean (or max) of several vectors. */
export function poolVectors(vectors: readonly Float32Array[], how: "mean" | "max"): number[] {
  const dim = vectors[0]!.length;
  const out = new Array<number>(dim).fill(how === "max" ? -Infinity : 0);
  for (const v of vectors) for (let j = 0; j < dim; j++) out[j] = how === "max" ? Math.max(out[j]!, v[j]!) : out[j]! + v[j]! / vectors.length;
  return out;
}

/** Groups slides by a key (e.g. patient) keeping first-seen order of sorted slide ids. */
export function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const it of items) {
    const k = key(it);
    const list = m.get(k);
    if (list) list.push(it);
    else m.set(k, [it]);
  }
  return m;
}
