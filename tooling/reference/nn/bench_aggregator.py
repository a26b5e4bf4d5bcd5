#!/usr/bin/python3
"""PyTorch CPU reference for `npm run bench -w @osfm/nn`: the OpenSlideFM aggregator
(pre-norm TransformerEncoder, ReLU, dropout 0.1, final LayerNorm, max-pool, projector MLP).

Usage: bench_aggregator.py LAYERS D HEADS FFN TOKENS THREADS REPEATS [WARMUP]
Prints one JSON line: median seconds of one training step (forward, backward, AdamW) and of one
eval forward pass, each over REPEATS runs after WARMUP (default 1) unmeasured ones, plus peak RSS in MB.
"""
import json
import resource
import statistics
import sys
import time

import torch

layers, d, heads, ffn, tokens, threads, repeats = map(int, sys.argv[1:8])
warmup = int(sys.argv[8]) if len(sys.argv) > 8 else 1
torch.set_num_threads(threads)
torch.manual_seed(0)


class Aggregator(torch.nn.Module):
    def __init__(self):
        super().__init__()
        layer = torch.nn.TransformerEncoderLayer(d, heads, ffn, dropout=0.1, batch_first=True, norm_first=True)
        self.encoder = torch.nn.TransformerEncoder(layer, layers, enable_nested_tensor=False)
        self.norm = torch.nn.LayerNorm(d)
        self.proj = torch.nn.Sequential(torch.nn.Linear(d, d), torch.nn.GELU(), torch.nn.Linear(d, d))

    def forward(self, x, pad):
        h = self.norm(self.encoder(x, src_key_padding_mask=pad))
        g = h.masked_fill(pad.unsqueeze(-1), float("-inf")).amax(dim=1)
        return self.proj(g)


model = Aggregator()
opt = torch.optim.AdamW(model.parameters(), lr=1.5e-4, weight_decay=1e-4)
x = torch.randn(1, tokens, d)
pad = torch.zeros(1, tokens, dtype=torch.bool)
target = torch.randn(1, d)


def train_step():
    model.train()
    opt.zero_grad(set_to_none=True)
    loss = ((model(x, pad) - target) ** 2).mean()
    loss.backward()
    opt.step()


def forward():
    model.eval()
    with torch.no_grad():
        model(x, pad)


def median(fn):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


train_s = median(train_step)
forward_s = median(forward)
print(json.dumps({"train_s": train_s, "forward_s": forward_s, "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "torch": torch.__version__, "params": sum(p.numel() for p in model.parameters())}))
