import { writeFileSync } from "node:fs";
import path from "node:path";
import { saveWeights } from "@osfm/nn";
import { describe, expect, it } from "vitest";
import { TrainableConvNeXt } from "../convnext";
import { checkBackbone } from "./backbone-check";
import { backboneGate, checkpointGate, coverageGate, coverageThresholds, gatesTable, lossGate } from "./gates";
import { lossTrend } from "./loss-trend";
import { runDiagnostics } from "./run-diagnostics";
import { tempDir } from "../../test/temp-dir";

describe("NB06C gates (the original's rules)", () => {
  it("G1 uses 18,000 / 15,000, or 0.9 / 0.75 of the cohort", () => {
    expect(coverageThresholds(undefined, false)).toEqual({ pass: 18_000, warn: 15_000 });
    expect(coverageThresholds(40, false)).toEqual({ pass: 36, warn: 30 });
    expect(coverageThresholds(40, true)).toEqual({ pass: 18_000, warn: 15_000 });
    const t = coverageThresholds(40, false);
    expect([36, 35, 30, 29].map((n) => coverageGate(n, t).status)).toEqual(["PASS", "WARN", "WARN", "FAIL"]);
  });
  it("G2: medians of the first/last max(3, n/10) losses; ≥ 0.6 PASS, ≥ 0.3 or unavailable WARN", () => {
    const losses = Array.from({ length: 40 }, (_, i) => 2 - i * 0.04); // 2.0 … 0.44
    const tr = lossTrend(losses);
    expect(tr.window).toBe(4);
    expect(tr.start).toBeCloseTo(1.94, 10);
    expect(tr.end).toBeCloseTo(0.5, 10);
    expect(tr.rel).toBeCloseTo((1.94 - 0.5) / 1.94, 10);
    expect(lossGate(tr.rel).status).toBe("PASS");
    expect(lossGate(0.45).status).toBe("WARN");
    expect(lossGate(0.1).status).toBe("FAIL");
    expect(lossGate(lossTrend([1, 2, 3]).rel).status).toBe("WARN");
  });
  it("G3 and G4 verdicts", () => {
    expect(checkpointGate(0, 0, 0).status).toBe("FAIL");
    expect(checkpointGate(9, 6, 5).status).toBe("WARN");
    expect(checkpointGate(9, 6, 6).status).toBe("PASS");
    expect(backboneGate("TRAINED", 0.9).status).toBe("PASS");
    expect(backboneGate("LIKELY_FROZEN", 0.1).status).toBe("FAIL");
    expect(backboneGate("UNAVAILABLE", null).status).toBe("WARN");
    expect(gatesTable([lossGate(0.7)])).toMatch(/\[ OK \]\s+G2\s+loss trend\s+0\.7000/);
  });
  it("backbone check: an untouched copy is LIKELY_FROZEN, a moved one TRAINED; a corrupt checkpoint makes G3 WARN", async () => {
    const dir = tempDir("bm-diag-");
    const shape = { depths: [1, 1], dims: [4, 8] };
    const net = new TrainableConvNeXt(shape, { seed: 1 });
    await saveWeights(net, path.join(dir, "backbone_start.safetensors"));
    await saveWeights(net, path.join(dir, "a", "backbone.safetensors"));
    expect((await checkBackbone(path.join(dir, "a", "backbone.safetensors"), path.join(dir, "backbone_start.safetensors"))).verdict).toBe("LIKELY_FROZEN");
    for (const [, p] of net.namedParameters()) for (let i = 0; i < p.data.length; i++) p.data[i] = (p.data[i] as number) * 1.01 + 1e-3;
    await saveWeights(net, path.join(dir, "b", "backbone.safetensors"));
    writeFileSync(path.join(dir, "b", "broken.safetensors"), "not a safetensors file");
    const { report, table } = await runDiagnostics({ weightsDir: dir, expectedSlides: 10 });
    expect(report.backbone.verdict).toBe("TRAINED");
    expect(report.backbone.fraction).toBe(1);
    expect(report.gates.map((g) => g.status)).toEqual(["FAIL", "WARN", "WARN", "PASS"]);
    expect(table.split("\n")).toHaveLength(6);
  });
});
