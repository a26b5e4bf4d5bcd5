import { Field, FixedSizeList, Float32, Int32, makeData, RecordBatch, Schema, Struct, Table, tableToIPC, Utf8, vectorFromArray } from "apache-arrow";
import { writeFileAtomic } from "@osfm/nn";
import { MilInputError } from "./errors";
import type { EmbeddingKind } from "./types";

/** One slide's embedding with its provenance. */
export interface EmbeddingRow {
  slideId: string;
  embedding: Float32Array;
  nTokens05: number;
  nTokens20: number;
}

/** Options of {@link exportEmbeddings}. */
export interface ExportEmbeddingsOptions {
  /** Output file, e.g. `embeddings/tcga.arrow`. */
  path: string;
  rows: readonly EmbeddingRow[];
  /** Fingerprint of the aggregator checkpoint ({@link MILTransformer.fingerprint}). */
  checkpointFingerprint: string;
  /** Which vector the embeddings are. */
  kind: EmbeddingKind;
}

/**
 * Writes slide embeddings as an Arrow IPC file (readable by pyarrow / pandas `read_feather`):
 * columns `slide_id` (utf8), `embedding` (fixed_size_list<float32>[dim]), `n_tokens_05`, `n_tokens_20`
 * (int32), `checkpoint` and `embedding_kind` (utf8). Written atomically.
 */
export async function exportEmbeddings(options: ExportEmbeddingsOptions): Promise<void> {
  const { path, rows, checkpointFingerprint, kind } = options;
  if (rows.length === 0) throw new MilInputError("EMPTY_BAG", path, "no embeddings to export");
  const dim = rows[0]?.embedding.length as number;
  const flat = new Float32Array(rows.length * dim);
  rows.forEach((r, i) => {
    if (r.embedding.length !== dim) throw new MilInputError("BAD_SHAPE", r.slideId, `embedding has ${r.embedding.length} values, expected ${dim}`);
    for (const v of r.embedding) if (!Number.isFinite(v)) throw new MilInputError("NOT_FINITE", r.slideId, "embedding has a non-finite value");
    flat.set(r.embedding, i * dim);
  });
  const itemField = new Field("item", new Float32(), false);
  const listType = new FixedSizeList(dim, itemField);
  const values = makeData({ type: new Float32(), length: flat.length, data: flat });
  const embedding = makeData({ type: listType, length: rows.length, nullCount: 0, child: values });
  const columns = {
    slide_id: vectorFromArray(rows.map((r) => r.slideId), new Utf8()),
    n_tokens_05: vectorFromArray(rows.map((r) => r.nTokens05), new Int32()),
    n_tokens_20: vectorFromArray(rows.map((r) => r.nTokens20), new Int32()),
    checkpoint: vectorFromArray(rows.map(() => checkpointFingerprint), new Utf8()),
    embedding_kind: vectorFromArray(rows.map(() => kind), new Utf8()),
  };
  const fields = [
    new Field("slide_id", new Utf8(), false),
    new Field("embedding", listType, false),
    new Field("n_tokens_05", new Int32(), false),
    new Field("n_tokens_20", new Int32(), false),
    new Field("checkpoint", new Utf8(), false),
    new Field("embedding_kind", new Utf8(), false),
  ];
  const schema = new Schema(fields, new Map([["osfm.embedding_kind", kind], ["osfm.checkpoint", checkpointFingerprint]]));
  const children = [columns.slide_id.data[0], embedding, columns.n_tokens_05.data[0], columns.n_tokens_20.data[0], columns.checkpoint.data[0], columns.embedding_kind.data[0]];
  const struct = makeData({ type: new Struct(fields), length: rows.length, nullCount: 0, children: children as never });
  const table = new Table(schema, [new RecordBatch(schema, struct)]);
  await writeFileAtomic(path, [tableToIPC(table, "file")]);
}

/** Reads a file written by {@link exportEmbeddings} back into rows (for downstream stages and tests). */
export async function readEmbeddings(path: string): Promise<{ rows: EmbeddingRow[]; checkpoint: string; kind: string }> {
  const { readFile } = await import("node:fs/promises");
  const { tableFromIPC } = await import("apache-arrow");
  const table = tableFromIPC(await readFile(path));
  const ids = table.getChild("slide_id");
  const emb = table.getChild("embedding");
  const n05 = table.getChild("n_tokens_05");
  const n20 = table.getChild("n_tokens_20");
  if (!ids || !emb || !n05 || !n20) throw new MilInputError("BAD_SHAPE", path, "not an embeddings table (needs slide_id, embedding, n_tokens_05, n_tokens_20)");
  const rows: EmbeddingRow[] = [];
  for (let i = 0; i < table.numRows; i++) {
    const v = emb.get(i) as { toArray(): Float32Array };
    rows.push({ slideId: String(ids.get(i)), embedding: Float32Array.from(v.toArray()), nTokens05: Number(n05.get(i)), nTokens20: Number(n20.get(i)) });
  }
  return { rows, checkpoint: table.schema.metadata.get("osfm.checkpoint") ?? "", kind: table.schema.metadata.get("osfm.embedding_kind") ?? "" };
}
