"""PyTorch reference for @osfm/mil's bench: seconds per training epoch of the PANDA grading model.

Same model (modules.AttentionMil), loss, AdamW, clipping and EMA as @osfm/mil, same synthetic bag
set shape; prints {"epochSeconds": ...} as the last line. Usage: bench_grading.py N_BAGS T05 T20 THREADS
"""
import copy
import json
import sys
import time

import torch

from modules import AttentionMil

n_bags, t05, t20, threads = (int(a) for a in sys.argv[1:5])
torch.set_num_threads(threads)
torch.manual_seed(0)
model = AttentionMil()
ema = copy.deepcopy(model).eval()
opt = torch.optim.AdamW(model.parameters(), lr=3e-4, weight_decay=1e-4)
x05 = torch.randn(n_bags, t05, 768)
x20 = torch.randn(n_bags, t20, 768)
y = torch.arange(n_bags) % 6
pad05 = torch.zeros(n_bags, t05, dtype=torch.bool)
pad20 = torch.zeros(n_bags, t20, dtype=torch.bool)
w = torch.ones(6)


def loss_fn(logits, target):
    t = torch.full_like(logits, 0.05 / 6).scatter_(1, target[:, None], 1 - 0.05 + 0.05 / 6)
    logp = torch.log_softmax(logits, 1)
    p = logp.exp()
    ce = -(t * logp).sum(1)
    pt = (t * p).sum(1)
    focal = 0.25 * (1 - pt) ** 2 * ce * w[target]
    ek = (p * torch.arange(6.0)).sum(1)
    return focal.mean() + 0.02 * ((ek - target) ** 2).mean()


def epoch():
    model.train()
    for b in range(0, n_bags, 24):
        s = slice(b, b + 24)
        loss = loss_fn(model(x05[s], pad05[s], x20[s], pad20[s]), y[s])
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        with torch.no_grad():
            for pe, pm in zip(ema.parameters(), model.parameters()):
                pe.mul_(0.999).add_(pm, alpha=0.001)
    with torch.no_grad():
        ema(x05[:24], pad05[:24], x20[:24], pad20[:24])


epoch()
t0 = time.perf_counter()
epoch()
print(json.dumps({"epochSeconds": time.perf_counter() - t0}))
