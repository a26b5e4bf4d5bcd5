import { describe, expect, it } from "vitest";
import { interpolateViridis } from "d3";
import type { UmapFigureInput } from "../inputs/types.js";
import { all, parseSvg, text, texts } from "../../test/svg-query.js";
import { seededRandom } from "./umap.js";
import { supp1Figure } from "./supp1.js";

function cohort(n: number): UmapFigureInput {
  const rnd = seededRandom(3);
  const patients = Array.from({ length: n }, (_, i) => ({ patient_id: `P${i}`, class: ["A", "B", "C"][i % 3] as string, embedding: Array.from({ length: 8 }, (_, j) => (j === i % 3 ? 3 : 0) + rnd()) }));
  return { embeddings: { patients }, confidence: { patients: patients.map((p, i) => ({ patient_id: p.patient_id, confidence: (i % 10) / 10 })) } };
}

describe("supp1 UMAP", () => {
  const input = cohort(30);
  const svg = supp1Figure(input, { nNeighbors: 10 });
  const root = parseSvg(svg);
  it("draws every patient in both panels with class and confidence legends", () => {
    expect(all(root, "g.by-class .mark")).toHaveLength(30);
    expect(all(root, "g.by-confidence .mark")).toHaveLength(30);
    expect(texts(root, "g.legend-entry text")).toEqual(["A", "B", "C"]);
    expect(root.querySelector("g.colour-bar")?.getAttribute("data-domain")).toBe("0|1");
    expect(text(root, "text.title")).toContain("UMAP");
  });
  it("aligns confidence colours by patient id, whatever the order of the confidence file", () => {
    const shuffled: UmapFigureInput = { ...input, confidence: { patients: [...input.confidence.patients].reverse() } };
    const again = parseSvg(supp1Figure(shuffled, { nNeighbors: 10 }));
    for (const m of all(again, "g.by-confidence .mark")) {
      const id = m.getAttribute("data-patient") as string;
      const i = Number(id.slice(1));
      expect(m.getAttribute("fill")).toBe(interpolateViridis((i % 10) / 10));
    }
    // The same patient is at the same place in both panels.
    const left = new Map(all(again, "g.by-class circle.mark").map((c) => [c.getAttribute("data-patient"), c.getAttribute("cx")]));
    for (const c of all(again, "g.by-confidence circle.mark")) {
      if (left.has(c.getAttribute("data-patient"))) expect(c.getAttribute("cx")).toBe(left.get(c.getAttribute("data-patient")));
    }
  });
  it("is deterministic and greys out patients without confidence", () => {
    expect(supp1Figure(input, { nNeighbors: 10 })).toBe(svg);
    const missing: UmapFigureInput = { ...input, confidence: { patients: input.confidence.patients.slice(1) } };
    const r = parseSvg(supp1Figure(missing, { nNeighbors: 10 }));
    expect(r.querySelector('g.by-confidence .mark[data-patient="P0"]')?.getAttribute("fill")).toBe("#bbbbbb");
    expect(texts(r, "text.note").some((t) => t.startsWith("1 patient without an OOF confidence"))).toBe(true);
  });
  it("a single class gives a figure that says so", () => {
    const one = cohort(6);
    for (const p of one.embeddings.patients) p.class = "A";
    const r = parseSvg(supp1Figure(one));
    expect(r.getAttribute("data-empty")).toBe("true");
    expect(text(r, "text.message-text")).toContain("A single class (A)");
  });
});
