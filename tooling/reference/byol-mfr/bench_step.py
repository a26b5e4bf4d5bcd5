"""PyTorch CPU reference of one BYOL + MFR optimizer step, for `npm run bench -w @osfm/byol-mfr`.

Phase 1: two views (element dropout + noise, 25 % of tokens zeroed), teacher forward (eval, no_grad),
student forward + backward (aggregator + MFR decoder, train mode), AdamW, EMA.  Reports tokens/s
(student tokens of both views per second).
Phase 2: ConvNeXt-Tiny (torchvision layout, stochastic depth 0.1, train) on raw tiles + teacher ConvNeXt
(eval, no_grad) + the aggregator step.  Reports tiles/s.
Args (env): BENCH_DIM, BENCH_DEPTH, BENCH_T05, BENCH_T20, BENCH_BATCH, BENCH_STEPS, BENCH_THREADS,
BENCH_TILES, BENCH_TILE_SIZE.  Prints one JSON line.
"""
import copy
import json
import os
import sys
import time

import torch
import torch.nn.functional as F
import torchvision

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__))))
from objective import MFRDecoder, MILTransformer, objective  # noqa: E402

E = lambda k, d: int(os.environ.get(k, d))  # noqa: E731
D, DEPTH, T05, T20, B = E("BENCH_DIM", 768), E("BENCH_DEPTH", 2), E("BENCH_T05", 300), E("BENCH_T20", 100), E("BENCH_BATCH", 3)
STEPS, THREADS, TILES, SIDE = E("BENCH_STEPS", 3), E("BENCH_THREADS", 2), E("BENCH_TILES", 8), E("BENCH_TILE_SIZE", 64)
torch.set_num_threads(THREADS)
torch.manual_seed(0)


def ema(t, s, tau):
    with torch.no_grad():
        for pt, ps in zip(t.parameters(), s.parameters()):
            pt.mul_(tau).add_(ps, alpha=1 - tau)


def phase1():
    agg, dec = MILTransformer(dim=D, depth=DEPTH), MFRDecoder(dim=D)
    teacher = copy.deepcopy(agg).eval()
    opt = torch.optim.AdamW(list(agg.parameters()) + list(dec.parameters()), lr=1.5e-4, weight_decay=1e-4)
    T = T05 + T20
    x = torch.randn(B, T, D)
    pos = torch.rand(B, T, 3)
    pad = torch.zeros(B, T, dtype=torch.bool)
    times = []
    for step in range(STEPS + 1):
        t0 = time.perf_counter()
        masked = torch.zeros(B, T, dtype=torch.bool)
        for b in range(B):
            masked[b, torch.randperm(T)[: round(0.25 * T)]] = True
        views = [(x * (torch.rand_like(x) >= 0.1) + 0.02 * torch.randn_like(x)) for _ in range(2)]
        xs = torch.cat(views).masked_fill(masked.repeat(2, 1).unsqueeze(-1), 0.0)
        p2, pd2, m2 = pos.repeat(2, 1, 1), pad.repeat(2, 1), masked.repeat(2, 1)
        with torch.no_grad():
            _, proj, _, _ = teacher(torch.cat(views), p2, pd2)
        target = torch.cat([proj[B:], proj[:B]])
        w = m2.float() / m2.sum()
        agg.train(), dec.train()
        loss, _, _ = objective(agg, dec, xs, p2, pd2, m2, target, x.repeat(2, 1, 1), w)
        opt.zero_grad()
        loss.backward()
        opt.step()
        ema(teacher, agg, 0.996)
        if step > 0:
            times.append(time.perf_counter() - t0)
    times.sort()
    return 2 * B * T / times[len(times) // 2]


def phase2():
    bb = torchvision.models.convnext_tiny(stochastic_depth_prob=0.1).features
    tb = copy.deepcopy(bb).eval()
    agg, dec = MILTransformer(dim=768, depth=DEPTH), MFRDecoder(dim=768)
    teacher = copy.deepcopy(agg).eval()
    opt = torch.optim.AdamW([{"params": list(agg.parameters()) + list(dec.parameters())}, {"params": bb.parameters(), "lr": 1.5e-5}], lr=1.5e-4, weight_decay=1e-4)
    imgs = torch.randn(TILES, 3, SIDE, SIDE)
    pos = torch.rand(1, TILES, 3)
    pad = torch.zeros(1, TILES, dtype=torch.bool)
    times = []
    for step in range(STEPS + 1):
        t0 = time.perf_counter()
        masked = torch.zeros(1, TILES, dtype=torch.bool)
        masked[0, torch.randperm(TILES)[: max(1, round(0.25 * TILES))]] = True
        with torch.no_grad():
            tf = tb(imgs).mean((2, 3)).unsqueeze(0)
            _, proj, _, _ = teacher(tf, pos, pad)
        bb.train(), agg.train(), dec.train()
        f = bb(imgs).mean((2, 3)).unsqueeze(0).masked_fill(masked.unsqueeze(-1), 0.0)
        loss, _, _ = objective(agg, dec, f, pos, pad, masked, proj, tf, masked.float() / masked.sum())
        opt.zero_grad()
        loss.backward()
        opt.step()
        ema(teacher, agg, 0.996)
        ema(tb, bb, 0.996)
        if step > 0:
            times.append(time.perf_counter() - t0)
    times.sort()
    return TILES / times[len(times) // 2]


print(json.dumps({"phase1_tokens_per_s": phase1(), "phase2_tiles_per_s": phase2(), "torch": torch.__version__}))
