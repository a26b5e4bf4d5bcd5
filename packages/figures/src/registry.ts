import { fig1cFigure } from "./figures/fig1c.js";
import { fig3aFigure, fig3bFigure } from "./figures/fig3ab.js";
import { fig3cFigure } from "./figures/fig3c.js";
import { fig3dFigure } from "./figures/fig3d.js";
import { fig4aFigure } from "./figures/fig4a.js";
import { fig4bFigure } from "./figures/fig4b.js";
import { fig4cFigure } from "./figures/fig4c.js";
import { fig4dFigure } from "./figures/fig4d.js";
import { fig4eFigure } from "./figures/fig4e.js";
import { fig4fFigure } from "./figures/fig4f.js";
import { manifestCodesFigure, manifestMppFigure, manifestSizeFigure } from "./figures/manifest.js";
import { pretrainLossFigure } from "./figures/pretrain-loss.js";
import { qcBlurFigure, qcExclusionFigure, qcTissueFigure, qcWhiteFigure } from "./figures/qc.js";
import { supp1Figure } from "./figures/supp1.js";
import { tilingTokens0p5Figure, tilingTokens2p0Figure } from "./figures/tiling.js";
import { INPUT_FILES, type InputFileKey } from "./inputs/files.js";

/** Stable ids of every figure, in the order the CLI renders them. */
export const FIGURE_IDS = [
  "manifest-size",
  "manifest-mpp",
  "manifest-codes",
  "qc-tissue",
  "qc-blur",
  "qc-white",
  "qc-exclusion",
  "tiling-tokens-0p5",
  "tiling-tokens-2p0",
  "fig1c",
  "fig3a",
  "fig3b",
  "fig3c",
  "fig3d",
  "fig4a",
  "fig4b",
  "fig4c",
  "fig4d",
  "fig4e",
  "fig4f",
  "supp1",
  "pretrain-loss",
] as const;

/** One of {@link FIGURE_IDS}. */
export type FigureId = (typeof FIGURE_IDS)[number];

/** A registered figure: what it shows, which workspace files it reads, and how to draw it. */
export interface FigureDefinition {
  id: FigureId;
  /** One line saying what the figure plots. */
  description: string;
  /**
   * Input files (keys of {@link INPUT_FILES}). With one file the figure's input is that file's
   * parsed JSON; with several it is an object keyed by the file keys.
   */
  files: readonly InputFileKey[];
  /** Draws the figure from its (validated) input; returns a standalone SVG string. */
  render(input: unknown): string;
}

function def<I>(id: FigureId, description: string, files: InputFileKey[], render: (input: I) => string): [FigureId, FigureDefinition] {
  return [id, { id, description, files, render: (input) => render(input as I) }];
}

/** Registry of every figure by id. Add one with `figures.set(...)` only through a new id in FIGURE_IDS. */
export const figures: ReadonlyMap<FigureId, FigureDefinition> = new Map([
  def("manifest-size", "histogram of slide file sizes (GiB)", ["manifest"], manifestSizeFigure),
  def("manifest-mpp", "share of slides with / without declared µm per pixel", ["manifest"], manifestMppFigure),
  def("manifest-codes", "slides per cancer code (30 largest)", ["manifest"], manifestCodesFigure),
  def("qc-tissue", "histogram of tissue % per slide with the exclusion threshold", ["qc"], qcTissueFigure),
  def("qc-blur", "histogram of Laplacian variance per slide with the blur threshold", ["qc"], qcBlurFigure),
  def("qc-white", "histogram of white % per slide with the exclusion threshold", ["qc"], qcWhiteFigure),
  def("qc-exclusion", "QC exclusion rate by cancer code (30 highest)", ["qc"], qcExclusionFigure),
  def("tiling-tokens-0p5", "histogram of tiles per slide at 0.5 µm/px with the budget", ["tiling"], tilingTokens0p5Figure),
  def("tiling-tokens-2p0", "histogram of tiles per slide at 2.0 µm/px with the budget", ["tiling"], tilingTokens2p0Figure),
  def("fig1c", "Fig 1C: parameters (log) and memory per model", ["efficiency"], fig1cFigure),
  def("fig3a", "Fig 3A: per-class F1 with the mean F1", ["perClass"], fig3aFigure),
  def("fig3b", "Fig 3B: per-class one-vs-rest AUROC with the mean", ["perClass"], fig3bFigure),
  def("fig3c", "Fig 3C: mean ± SD per-class F1 by organ system", ["perClass"], fig3cFigure),
  def("fig3d", "Fig 3D: per-class F1 vs patients (log x) with fit and Pearson r", ["perClass"], fig3dFigure),
  def("fig4a", "Fig 4A: CAMELYON16 ROC with AUROC, CI and published AUROCs as text", ["roc"], fig4aFigure),
  def("fig4b", "Fig 4B: PANDA precision / recall / F1 per ISUP grade", ["perGrade"], fig4bFigure),
  def("fig4c", "Fig 4C: CAMELYON17 κ per held-out center with the pooled κ", ["perCenter"], fig4cFigure),
  def("fig4d", "Fig 4D: CAMELYON17 row-normalised pN transition matrix", ["transitions"], fig4dFigure),
  def("fig4e", "Fig 4E: per-class metric of two models, paired", ["paired"], fig4eFigure),
  def("fig4f", "Fig 4F: PANDA metric by data provider (the metric named in the title)", ["byProvider"], fig4fFigure),
  def("supp1", "Supp 1: UMAP of patient embeddings by class and by OOF confidence", ["embeddings", "confidence"], supp1Figure),
  def("pretrain-loss", "BYOL + MFR pretraining losses per step", ["pretrainLoss"], pretrainLossFigure),
]);

/** The workspace-relative paths a figure reads. */
export function figureInputPaths(id: FigureId): string[] {
  const d = figures.get(id);
  return d ? d.files.map((k) => INPUT_FILES[k].path) : [];
}
