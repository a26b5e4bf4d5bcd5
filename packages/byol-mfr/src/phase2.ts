import { tilesToTensor } from "@osfm/backbone";
import type { Feed, Rng, Session } from "@osfm/nn";
import { SCALES } from "@osfm/mil";
import { phase2StudentStep } from "./graphs";
import type { PhaseDriver } from "./loop";
import { derivedRng, permutation, sampleWithoutReplacement } from "./random";
import type { Networks } from "./state";
import { sampleEpochTiles, type TileSlide, type TileSource } from "./tiles";
import type { ResolvedConfig } from "./types";

interface SlideTiles {
  rgb: Uint8Array;
  centres: Float32Array;
  scales: number[];
  n: number;
}

async function readSlideTiles(slide: TileSlide, epoch: number, cfg: ResolvedConfig, signal?: AbortSignal): Promise<SlideTiles> {
  const { tilesPerSlide, tileSize } = cfg.phase2;
  const { indices05, indices20 } = sampleEpochTiles(slide, epoch, cfg.seed, tilesPerSlide);
  const a = await slide.readTiles(0.5, indices05, tileSize, signal);
  const b = await slide.readTiles(2, indices20, tileSize, signal);
  const rgb = new Uint8Array(a.length + b.length);
  rgb.set(a, 0);
  rgb.set(b, a.length);
  const ca = slide.centresMm(0.5, indices05);
  const cb = slide.centresMm(2, indices20);
  const centres = new Float32Array(ca.length + cb.length);
  centres.set(ca, 0);
  centres.set(cb, ca.length);
  const scales = [...indices05.map(() => SCALES.scale05), ...indices20.map(() => SCALES.scale20)];
  return { rgb, centres, scales, n: indices05.length + indices20.length };
}

/** Feeds shared by the phase-2 teacher and student: images, gather index, positions, padding, mask. */
function batchFeeds(slides: readonly SlideTiles[], side: number, tilesPerStep: number, maskRatio: number, rng: Rng) {
  const B = slides.length;
  const T = Math.max(...slides.map((s) => s.n));
  const used = slides.reduce((a, s) => a + s.n, 0);
  const M = tilesPerStep;
  const rgb = new Uint8Array(M * side * side * 3);
  const index = new BigInt64Array(B * T).fill(BigInt(M));
  const pos = new Float32Array(B * T * 3);
  const pad = new Uint8Array(B * T).fill(1);
  const masked = new Float32Array(B * T);
  let offset = 0;
  let maskedTotal = 0;
  slides.forEach((s, b) => {
    rgb.set(s.rgb, offset * side * side * 3);
    for (let t = 0; t < s.n; t++) {
      index[b * T + t] = BigInt(offset + t);
      pad[b * T + t] = 0;
      pos.set([s.centres[2 * t] as number, s.centres[2 * t + 1] as number, s.scales[t] as number], (b * T + t) * 3);
    }
    const k = Math.max(1, Math.round(maskRatio * s.n));
    for (const t of sampleWithoutReplacement(s.n, k, rng)) masked[b * T + t] = 1;
    maskedTotal += k;
    offset += s.n;
  });
  const images = tilesToTensor(rgb, M, side);
  return {
    B, T, M, used, maskedTotal,
    images: { data: images, dims: [M, 3, side, side] } as Feed,
    index: { data: index, dims: [B, T] } as Feed,
    pos: { data: pos, dims: [B, T, 3] } as Feed,
    pad: { data: pad, dims: [B, T] } as Feed,
    masked,
  };
}

/** Tiles in one phase-2 step's image batch (static: slides per step × tiles per slide). */
export function phase2TilesPerStep(cfg: ResolvedConfig): number {
  return cfg.phase2.slidesPerStep * cfg.phase2.tilesPerSlide;
}

/**
 * The phase-2 driver: per step `slidesPerStep` slides in a seeded order per epoch, each with its
 * epoch's tiles (72 + 24 of 96 by default); one view, 25 % of the student's tokens zeroed, the teacher
 * (EMA backbone + EMA aggregator, eval mode) sees them all. MFR target: the teacher backbone's features of
 * the masked tiles (the "original input features" of phase 2), or the teacher's token outputs (paperCompat).
 */
export function phase2Driver(cfg: ResolvedConfig, nets: Networks, tiles: TileSource, teacher: Session, signal?: AbortSignal): PhaseDriver {
  const p = cfg.phase2;
  const ids = tiles.slideIds;
  const stepsPerEpoch = Math.ceil(ids.length / p.slidesPerStep);
  const totalSteps = Math.min(stepsPerEpoch * p.epochs, p.maxSteps);
  const student = nets.studentModel();
  const D = nets.student.config.dim;
  const orders = new Map<number, number[]>();
  const tilesPerStep = phase2TilesPerStep(cfg);
  return {
    phase: 2, stepsPerEpoch, totalSteps, accumulation: 1, lr: p.lr, warmupSteps: p.warmupSteps, firstEpochNumber: cfg.phase1.epochs + 1, unit: "tiles",
    createStep: (seed) => {
      const scaler = nets.tokenScaler?.scaler;
      return phase2StudentStep(student, p.tileSize, tilesPerStep, { seed, threads: cfg.threads, lambdaMfr: cfg.lambdaMfr, ...(scaler ? { tokenScaler: scaler } : {}) });
    },
    async microFeeds(epoch, stepInEpoch, _micro, rng) {
      let order = orders.get(epoch);
      if (!order) {
        order = permutation(ids.length, derivedRng(cfg.seed, "phase2-order", epoch));
        orders.set(epoch, order);
      }
      const chosen = order.slice(stepInEpoch * p.slidesPerStep, (stepInEpoch + 1) * p.slidesPerStep).map((i) => ids[i] as string);
      const read: SlideTiles[] = [];
      for (const id of chosen) read.push(await readSlideTiles(await tiles.open(id), epoch, cfg, signal));
      const f = batchFeeds(read, p.tileSize, tilesPerStep, cfg.maskRatio, rng);
      const out = await teacher.run({ images: f.images, index: f.index, pos: f.pos, pad: f.pad });
      const target = (cfg.mfrTarget === "input" ? out.features : out.tokens)?.data as Float32Array;
      const weight = f.masked.map((m) => (m === 1 ? 1 / f.maskedTotal : 0));
      return {
        units: f.used,
        feeds: {
          images: f.images, index: f.index, pos: f.pos, pad: f.pad,
          masked: { data: f.masked, dims: [f.B, f.T, 1] },
          byol_target: { data: out.projected?.data as Float32Array, dims: [f.B, D] },
          mfr_target: { data: target, dims: [f.B, f.T, D] },
          mfr_weight: { data: weight, dims: [f.B, f.T] },
        },
      };
    },
  };
}
