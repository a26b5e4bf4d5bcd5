import type { Feed, Session } from "@osfm/nn";
import type { SlideBag } from "@osfm/mil";
import type { BagSource } from "./data";
import { ByolMfrError } from "./errors";
import { phase1StudentStep } from "./graphs";
import type { PhaseDriver } from "./loop";
import { derivedRng, permutation } from "./random";
import type { Networks } from "./state";
import type { ResolvedConfig } from "./types";
import { capBag, makeViews, type ViewBatch } from "./views";

/** Optimizer steps of phase 1: ⌊⌈N / batch⌉ / accumulation⌋ per epoch (incomplete accumulation groups are dropped). */
export function phase1StepsPerEpoch(nSlides: number, batchSlides: number, accumulation: number): number {
  return Math.floor(Math.ceil(nSlides / batchSlides) / accumulation);
}

/** Swaps the two view halves of [2B, ...rest] rows: row b of view 1 gets view 2's row b and vice versa. */
function swapViews(data: Float32Array, rows: number, rowLen: number): Float32Array {
  const half = rows / 2;
  const out = new Float32Array(data.length);
  out.set(data.subarray(half * rowLen, rows * rowLen), 0);
  out.set(data.subarray(0, half * rowLen), half * rowLen);
  return out;
}

/** Student feeds of one phase-1 micro-batch: views, mask, and the teacher's targets (computed by its eval session). */
export async function phase1Feeds(v: ViewBatch, teacher: Session, cfg: ResolvedConfig): Promise<Record<string, Feed>> {
  const { slides: B, tokens: T, dim: D } = v;
  const N = 2 * B;
  const pos: Feed = { data: v.pos, dims: [N, T, 3] };
  const pad: Feed = { data: v.pad, dims: [N, T] };
  const out = await teacher.run({ x: { data: v.teacher, dims: [N, T, D] }, pos, pad }, cfg.mfrTarget === "input" ? ["projected"] : ["projected", "tokens"]);
  const byol = swapViews(out.projected?.data as Float32Array, N, D);
  let mfr: Float32Array;
  if (cfg.mfrTarget === "input") {
    mfr = new Float32Array(N * T * D);
    mfr.set(v.original, 0);
    mfr.set(v.original, B * T * D);
  } else mfr = swapViews(out.tokens?.data as Float32Array, N, T * D);
  const weight = new Float32Array(N * T);
  const w = 1 / (2 * v.maskedPerView);
  for (let i = 0; i < weight.length; i++) weight[i] = v.masked[i] === 1 ? w : 0;
  return {
    x: { data: v.student, dims: [N, T, D] }, pos, pad,
    masked: { data: v.masked, dims: [N, T, 1] },
    byol_target: { data: byol, dims: [N, D] },
    mfr_target: { data: mfr, dims: [N, T, D] },
    mfr_weight: { data: weight, dims: [N, T] },
  };
}

/** The phase-1 driver: batches of slides in a seeded order per epoch, two views each, teacher targets. */
export function phase1Driver(cfg: ResolvedConfig, nets: Networks, bags: BagSource, teacher: Session): PhaseDriver {
  const p = cfg.phase1;
  const ids = bags.slideIds;
  const stepsPerEpoch = phase1StepsPerEpoch(ids.length, p.batchSlides, p.accumulationSteps);
  if (stepsPerEpoch < 1) {
    throw new ByolMfrError("BAD_CONFIG", `${ids.length} slides in batches of ${p.batchSlides} give fewer micro-batches than accumulationSteps ${p.accumulationSteps}`);
  }
  const totalSteps = Math.min(stepsPerEpoch * p.epochs, p.maxSteps);
  const dim = nets.student.config.dim;
  const student = nets.studentModel();
  const orders = new Map<number, number[]>();
  return {
    phase: 1, stepsPerEpoch, totalSteps, accumulation: p.accumulationSteps, lr: p.lr, warmupSteps: p.warmupSteps, firstEpochNumber: 1, unit: "tokens",
    createStep: (seed) => phase1StudentStep(student, { seed, threads: cfg.threads, lambdaMfr: cfg.lambdaMfr }),
    async microFeeds(epoch, stepInEpoch, micro, rng) {
      let order = orders.get(epoch);
      if (!order) {
        order = permutation(ids.length, derivedRng(cfg.seed, "phase1-order", epoch));
        orders.set(epoch, order);
      }
      const j = stepInEpoch * p.accumulationSteps + micro;
      const chosen = order.slice(j * p.batchSlides, (j + 1) * p.batchSlides).map((i) => ids[i] as string);
      const loaded: SlideBag[] = [];
      for (const id of chosen) {
        const bag = await bags.load(id);
        const capped = capBag({ ...bag, slideId: id }, dim, p.maxTokens05, p.maxTokens20, derivedRng(cfg.seed, "phase1-tokens", epoch, id));
        // standardised after capping (same result per token, less work); views, mask and MFR target follow
        loaded.push(nets.tokenScaler ? nets.tokenScaler.scaler.transform(capped) : capped);
      }
      const views = makeViews(loaded, dim, rng, { dropoutP: p.dropoutP, noiseStd: p.noiseStd, maskRatio: cfg.maskRatio, teacherSeesMask: cfg.paperCompat });
      return { feeds: await phase1Feeds(views, teacher, cfg), units: views.realTokens };
    },
  };
}
