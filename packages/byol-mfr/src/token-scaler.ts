import { readFile } from "node:fs/promises";
import path from "node:path";
import { readSafetensors, writeFileAtomic, writeSafetensors } from "@osfm/nn";
import { BagScaler, BagScalerFit } from "@osfm/mil";
import type { BagSource } from "./data";
import { ByolMfrError } from "./errors";

/** File name of the token scaler in checkpoints and in `final/` (tensors `scale05.mean`, `scale05.std`, `scale20.mean`, `scale20.std`). */
export const TOKEN_SCALER_FILE = "token_scaler.safetensors";

/** `final/tokens.json`: how the tokens the final aggregator was trained on were transformed. */
export const TOKENS_JSON = "tokens.json";

/** Checkpoint part name of the token scaler. */
export const TOKEN_SCALER_PART = "token_scaler";

/** Content of `final/tokens.json`. */
export interface TokensInfo {
  /** True when the aggregator saw standardised tokens; then `scaler` names the statistics file. */
  standardized: boolean;
  scaler?: string;
  /** Divisor floor used when fitting. */
  minStd?: number;
}

/**
 * Fits the per-scale, per-dimension token statistics over every bag of the source, one bag at a time
 * (float64 running moments; only the statistics are held), with the divisor floored at `minStd`.
 */
export async function fitTokenScaler(bags: BagSource, minStd: number, signal?: AbortSignal): Promise<BagScaler> {
  const fit = new BagScalerFit();
  for (const id of bags.slideIds) {
    signal?.throwIfAborted();
    fit.add({ ...(await bags.load(id)), slideId: id });
  }
  return fit.finish({ minStd });
}

/** Writes a scaler as safetensors (float32 tensors; `osfm.token_scaler.min_std` in the metadata). */
export async function saveTokenScaler(scaler: BagScaler, file: string, minStd: number): Promise<void> {
  await writeSafetensors(file, scaler.toTensors(), { "osfm.token_scaler.min_std": String(minStd) });
}

/** Writes `final/tokens.json` (and the scaler next to it when there is one). */
export async function saveFinalTokens(dir: string, scaler: BagScaler | undefined, minStd: number): Promise<void> {
  const info: TokensInfo = scaler ? { standardized: true, scaler: TOKEN_SCALER_FILE, minStd } : { standardized: false };
  if (scaler) await saveTokenScaler(scaler, path.join(dir, TOKEN_SCALER_FILE), minStd);
  await writeFileAtomic(path.join(dir, TOKENS_JSON), [new TextEncoder().encode(`${JSON.stringify(info, null, 1)}\n`)]);
}

async function readJson(file: string): Promise<Record<string, unknown> | undefined> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    return undefined;
  }
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch (cause) {
    throw new ByolMfrError("BAD_CHECKPOINT", `cannot parse ${path.basename(file)}: ${(cause as Error).message}`, file, { cause });
  }
}

/**
 * The token transform a pretrained aggregator expects, from a pretraining output folder: `final/`
 * (reads `tokens.json`) or a checkpoint folder (reads `state.json`). Returns undefined when the run
 * trained on raw tokens; otherwise apply `scaler.transform(bag)` to every bag (both scales) before
 * `embed` / `embedBatch`, or the embeddings come from inputs the aggregator never saw. A folder with
 * neither file is an error, or raw tokens (undefined) with `ifMissing: "none"`.
 */
export async function loadTokenScaler(dir: string, options: { ifMissing?: "error" | "none" } = {}): Promise<BagScaler | undefined> {
  const tokens = await readJson(path.join(dir, TOKENS_JSON));
  const state = tokens ? undefined : await readJson(path.join(dir, "state.json"));
  if (!tokens && !state) {
    // `ifMissing: "none"`: a folder of weights only (e.g. an aggregator trained elsewhere) means raw tokens
    if (options.ifMissing === "none") return undefined;
    throw new ByolMfrError("BAD_CHECKPOINT", `expected ${TOKENS_JSON} (final folder) or state.json (checkpoint folder)`, dir);
  }
  const standardized = tokens ? tokens.standardized === true : state?.standardizeTokens === true;
  if (!standardized) return undefined;
  const file = path.join(dir, tokens ? String(tokens.scaler ?? TOKEN_SCALER_FILE) : String((state?.files as Record<string, string> | undefined)?.[TOKEN_SCALER_PART] ?? TOKEN_SCALER_FILE));
  let tensors;
  try {
    ({ tensors } = await readSafetensors(file));
  } catch (cause) {
    throw new ByolMfrError("BAD_CHECKPOINT", `the run standardised its tokens but the scaler cannot be read: ${(cause as Error).message}`, file, { cause });
  }
  return BagScaler.fromTensors(tensors, file);
}
