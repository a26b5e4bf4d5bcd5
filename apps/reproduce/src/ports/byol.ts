import type { SlidePort } from "./wsi";
import type { SlideBagPort, TileRowPort } from "./pipeline";

/** A phase-2 tile slide (@osfm/byol-mfr `TileSlide`), opaque to the app. */
export type TileSlidePort = object;

/** @osfm/byol-mfr (issue 9), the parts the app uses. */
export interface ByolPort {
  featureDirBags(options: { featureRoot: string; encoderId: string; mpp: (slideId: string) => { mppX: number; mppY: number }; slideIds?: readonly string[] }): Promise<{ slideIds: readonly string[] }>;
  manifestTileSlide(options: { slideId: string; slide: SlidePort; rows05: readonly TileRowPort[]; rows20: readonly TileRowPort[]; mppX: number; mppY: number }): TileSlidePort;
  pretrain(options: {
    bags: { slideIds: readonly string[] };
    tiles?: { slideIds: readonly string[]; open(slideId: string): Promise<TileSlidePort> };
    weightsDir: string;
    logDir?: string;
    config?: Record<string, unknown>;
    resume?: boolean;
    onProgress?: (p: { phase: number; epoch: number; step: number; totalSteps: number; loss: number; lr: number; checkpoint?: string }) => void;
  }): Promise<{ status: string; phase1Steps: number; phase2Steps: number; studentPath?: string; studentFingerprint: string; backbonePath?: string; backboneFingerprint?: string; backboneEncoderId?: string; logJsonl: string; logCsv: string; checkpoint?: string }>;
  /** The token standardisation a checkpoint folder was trained with (`standardizeTokens`), or undefined. */
  loadTokenScaler(dir: string, options?: { ifMissing?: "error" | "none" }): Promise<{ transform(bag: SlideBagPort): SlideBagPort } | undefined>;
  runDiagnostics(options: { weightsDir: string; logDir?: string; featureRoot?: string; encoderId?: string; expectedSlides?: number; outDir?: string; paperCompat?: boolean }): Promise<{ report: { gates: Record<string, unknown>[] } & Record<string, unknown>; table: string; path?: string }>;
}
