import { readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { testTempDir } from "../../../tooling/config/test-temp-dir";
import { exportEmbeddings, readEmbeddings } from "./export-embeddings";

describe("exportEmbeddings", () => {
  it("round-trips slide ids, 768-d vectors, token counts and provenance through an Arrow IPC file", async () => {
    const dir = testTempDir("osfm-emb-");
    const file = path.join(dir, "embeddings", "tcga.arrow");
    const rows = [0, 1, 2].map((i) => ({
      slideId: `TCGA-AA-000${i}`,
      embedding: Float32Array.from({ length: 768 }, (_, d) => Math.sin(i * 1000 + d)),
      nTokens05: 1200 - i,
      nTokens20: 400 - i,
    }));
    await exportEmbeddings({ path: file, rows, checkpointFingerprint: "abc123", kind: "projector" });
    expect(readdirSync(path.dirname(file))).toEqual(["tcga.arrow"]); // no temp file left
    const back = await readEmbeddings(file);
    expect(back.checkpoint).toBe("abc123");
    expect(back.kind).toBe("projector");
    expect(back.rows.map((r) => [r.slideId, r.nTokens05, r.nTokens20])).toEqual(rows.map((r) => [r.slideId, r.nTokens05, r.nTokens20]));
    expect(Array.from(back.rows[2]?.embedding ?? [])).toEqual(Array.from(rows[2]?.embedding ?? []));
  });

  it("refuses non-finite embeddings and ragged dims, naming the slide", async () => {
    const file = path.join(testTempDir("osfm-emb-"), "x.arrow");
    const bad = { slideId: "s-nan", embedding: Float32Array.of(1, Number.NaN), nTokens05: 1, nTokens20: 1 };
    await expect(exportEmbeddings({ path: file, rows: [bad], checkpointFingerprint: "f", kind: "pooled" })).rejects.toThrow(/s-nan/);
    const ragged = [
      { slideId: "a", embedding: new Float32Array(4), nTokens05: 1, nTokens20: 1 },
      { slideId: "b", embedding: new Float32Array(3), nTokens05: 1, nTokens20: 1 },
    ];
    await expect(exportEmbeddings({ path: file, rows: ragged, checkpointFingerprint: "f", kind: "pooled" })).rejects.toThrow(/b: embedding has 3 values, expected 4/);
  });
});
