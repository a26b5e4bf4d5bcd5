import { existsSync } from "node:fs";
import path from "node:path";
import { writeFileAtomic } from "@osfm/nn";
import { slidesWithBothScales } from "../data";
import { LOG_FILES } from "../log";
import { type BackboneCheck, checkBackbone } from "./backbone-check";
import { type CheckpointFileInfo, checkLastCheckpoints, listWeightFiles } from "./checkpoints";
import { backboneGate, checkpointGate, coverageGate, coverageThresholds, type Gate, gatesTable, lossGate } from "./gates";
import { type LossTrend, lossTrend, readCsvLosses } from "./loss-trend";

/** Options of {@link runDiagnostics}. */
export interface DiagnosticsOptions {
  /** The weights folder of {@link pretrain}. */
  weightsDir: string;
  /** Folder of the training log. @default weightsDir */
  logDir?: string;
  /** Features root and encoder id for G1 coverage (slides with files at both scales). */
  featureRoot?: string;
  encoderId?: string;
  /** Slides with features at both scales, when the caller already knows (e.g. in-memory bags). @default counted in featureRoot/encoderId */
  coveredSlides?: number;
  /** Slides in the cohort; G1 thresholds are 0.9 / 0.75 of it. @default the original's absolute 18,000 / 15,000 */
  expectedSlides?: number;
  /** Starting backbone weights for G4. @default `<weightsDir>/backbone_start.safetensors` */
  referenceBackbone?: string;
  /** Write `nb06c_posttrain_diagnostics.json` here. @default not written */
  outDir?: string;
  /** Absolute 18,000 / 15,000 coverage thresholds as the original. @default false */
  paperCompat?: boolean;
}

/** The NB06C report: every measured field plus the four gates. */
export interface DiagnosticsReport {
  time: string;
  coverage: { slides: number; thresholds: { pass: number; warn: number } };
  loss: LossTrend & { source: string };
  checkpoints: { total: number; last: CheckpointFileInfo[] };
  backbone: BackboneCheck;
  gates: Gate[];
}

/**
 * Post-pretraining diagnostics (NB06C): two-scale coverage, loss trend from the CSV log, loadability of
 * the last 6 weight files, and whether the backbone moved away from its starting weights. Returns the
 * report and a printable table; writes the JSON when `outDir` is given. Never prints.
 */
export async function runDiagnostics(options: DiagnosticsOptions): Promise<{ report: DiagnosticsReport; table: string; path?: string }> {
  const { weightsDir, logDir = weightsDir, featureRoot, encoderId, expectedSlides, outDir, paperCompat = false } = options;
  const covered = options.coveredSlides ?? (featureRoot && encoderId ? (await slidesWithBothScales(featureRoot, encoderId)).length : 0);
  const thresholds = coverageThresholds(expectedSlides, paperCompat);
  const csv = path.join(logDir, LOG_FILES.csv);
  const trend = lossTrend(await readCsvLosses(csv));
  const files = (await listWeightFiles(weightsDir)).filter((f) => !f.path.endsWith("backbone_start.safetensors"));
  const last = await checkLastCheckpoints(files);
  const backboneFiles = files.filter((f) => /backbone/.test(path.basename(f.path)) && !/teacher|start/.test(path.basename(f.path)));
  const reference = options.referenceBackbone ?? path.join(weightsDir, "backbone_start.safetensors");
  const backbone = await checkBackbone(backboneFiles.at(-1)?.path, existsSync(reference) ? reference : undefined);
  const gates = [
    coverageGate(covered, thresholds),
    lossGate(trend.rel),
    checkpointGate(files.length, last.length, last.filter((f) => f.loads).length),
    backboneGate(backbone.verdict, backbone.fraction),
  ];
  const report: DiagnosticsReport = {
    time: new Date().toISOString(),
    coverage: { slides: covered, thresholds },
    loss: { ...trend, source: csv },
    checkpoints: { total: files.length, last },
    backbone,
    gates,
  };
  const table = gatesTable(gates);
  if (!outDir) return { report, table };
  const file = path.join(outDir, "nb06c_posttrain_diagnostics.json");
  const json = JSON.stringify(report, (_k, v: unknown) => (typeof v === "number" && !Number.isFinite(v) ? null : v), 1);
  await writeFileAtomic(file, [new TextEncoder().encode(`${json}\n`)]);
  return { report, table, path: file };
}
