import { Rng } from "../rng.js";

let globalRng = new Rng(0);

/** The generator modules use when none is passed (like PyTorch's global generator). */
export function defaultRng(): Rng {
  return globalRng;
}

/** Re-seeds the default generator (like `torch.manual_seed`). */
export function manualSeed(seed: number): void {
  globalRng = new Rng(seed);
}

/** Options shared by every module constructor that initialises weights. */
export interface InitOptions {
  /** Generator for the initial weights. @default the global generator ({@link manualSeed}) */
  rng?: Rng;
}
