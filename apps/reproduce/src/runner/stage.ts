import type { RunConfig } from "../config/schema";
import type { DataRoots } from "../datasets/types";
import type { Reporter } from "../progress/reporter";
import type { StageKind, StageName } from "../types";
import type { Workspace } from "../workspace/layout";
import type { UnitMarker } from "./markers";

/** One piece of a stage's work: a slide (per-slide stages) or the whole cohort. */
export interface Unit {
  id: string;
  /** Fingerprint of everything the unit reads (upstream fingerprints, file identity). */
  inputs: string;
  /** Absolute slide path, when the unit is a slide (for failures.csv). */
  slidePath?: string;
}

/** What a unit produced. */
export interface UnitResult {
  /** Files written, relative to the workspace. */
  outputs: string[];
  counts?: Record<string, number>;
  row?: Record<string, unknown>;
}

/** A stage's work for this run. */
export interface StagePlan<U extends Unit = Unit> {
  units: U[];
  /** Units that cannot run because an upstream stage has not produced their inputs. */
  missing: number;
  /** Why inputs are missing (named upstream stage), for the message. */
  missingReason?: string;
  /** Set when the stage has nothing to do in this cohort (e.g. no CAMELYON16 slides): not an error. */
  notApplicable?: string;
  /** Input files or folders (workspace-relative) for the passport. */
  inputs: string[];
}

/** Progress callback handed to a unit (e.g. tiles encoded so far). */
export type UnitProgress = (done: number, total: number) => void;

/** Everything a stage can use. */
export interface StageContext {
  config: RunConfig;
  ws: Workspace;
  roots: DataRoots;
  reporter: Reporter;
  runId: string;
}

/**
 * A pipeline stage. Per-slide stages list one unit per slide (sharded with `--shard`) and may add a
 * cohort step (`finalize`) that builds the stage's table from the slide markers; cohort stages list a
 * single unit. The runner does the rest: skip, stale, failures, markers, passport, progress.
 */
export interface Stage<U extends Unit = Unit> {
  name: StageName;
  /** The original notebook (NB01…NB13). */
  nb: string;
  title: string;
  kind: StageKind;
  /** Stages whose outputs this one reads; a failed dependency blocks it. */
  deps: StageName[];
  /** Bump when the stage's logic changes, so old results become stale. */
  version: number;
  /** The configuration this stage depends on (hashed into every fingerprint). */
  settings(config: RunConfig): unknown;
  /** Why the stage cannot run (a package API is missing), or undefined. */
  unavailable?(): Promise<string | undefined>;
  plan(ctx: StageContext): Promise<StagePlan<U>>;
  runUnit(ctx: StageContext, unit: U, progress: UnitProgress): Promise<UnitResult>;
  /** Cohort step of a per-slide stage, over every done slide marker; runs unsharded only. */
  finalize?(ctx: StageContext, markers: Map<string, UnitMarker>): Promise<UnitResult>;
  /** Which count to show as a rate in progress bars (e.g. "tiles"). */
  rateCount?: string;
}
