import { readSafetensors } from "@osfm/nn";
import { MilInputError } from "./errors";

/**
 * Reads a model configuration stored as JSON under `key` in a safetensors file's metadata
 * (written by the models' `save`); an absent key gives `{}` (a plain PyTorch state dict).
 */
export async function readConfigMetadata<T>(path: string, key: string): Promise<Partial<T>> {
  const { metadata } = await readSafetensors(path);
  const raw = metadata[key];
  if (raw === undefined) return {};
  try {
    return JSON.parse(raw) as Partial<T>;
  } catch (error) {
    throw new MilInputError("BAD_CHECKPOINT", path, `metadata ${key} is not JSON (${String(error)})`);
  }
}
