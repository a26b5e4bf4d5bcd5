"""Writes small-config PyTorch reference weights, inputs and outputs for @osfm/mil's parity tests.

Run: /usr/bin/python3 tooling/reference/mil/make_parity.py  (writes parity_*.safetensors beside it)
The TypeScript tests load the weights into the same architecture by name and compare outputs (eval mode)
within 1e-4 relative. Small dims keep the committed files tiny; the code path is the full model's.
"""
import os

import torch
from safetensors_io import save

from modules import AttentionMil, MILTransformer

HERE = os.path.dirname(os.path.abspath(__file__))
torch.manual_seed(1234)


def aggregator():
    m = MILTransformer(dim=32, depth=2, heads=4, ff_mult=2, pos_hidden=16).eval()
    B, T = 3, 11
    x = torch.randn(B, T, 32)
    pos = torch.rand(B, T, 3) * 10
    pos[:, :7, 2] = 0.5
    pos[:, 7:, 2] = 2.0
    lengths = [11, 8, 4]
    pad = torch.tensor([[t >= n for t in range(T)] for n in lengths])
    with torch.no_grad():
        g, g_proj, pred, tokens = m(x, pos, pad)
    tensors = {f"w.{k}": v for k, v in m.state_dict().items()}
    tensors.update({"in.x": x, "in.pos": pos, "in.lengths": torch.tensor(lengths, dtype=torch.float32),
                    "out.pooled": g, "out.projected": g_proj, "out.predicted": pred})
    save(os.path.join(HERE, "parity_aggregator.safetensors"), tensors)


def grading():
    m = AttentionMil(dim=32, n_classes=6).eval()
    # shrink the per-scale blocks to the small dims used in the test (heads 4, FFN 48, scorer 16, fusion 24)
    from torch import nn
    from modules import MultiHeadPool
    m.pool05 = MultiHeadPool(32, heads=4, ff=48, scorer_hidden=16).eval()
    m.pool20 = MultiHeadPool(32, heads=4, ff=48, scorer_hidden=16).eval()
    m.fusion = nn.Sequential(
        nn.Linear(64, 24), nn.LayerNorm(24), nn.ReLU(), nn.Dropout(0.15),
        nn.Linear(24, 24), nn.ReLU(), nn.Dropout(0.15), nn.Linear(24, 6),
    ).eval()
    B, T05, T20 = 3, 40, 12
    x05, x20 = torch.randn(B, T05, 32), torch.randn(B, T20, 32)
    n05, n20 = [40, 30, 9], [12, 5, 12]
    pad05 = torch.tensor([[t >= n for t in range(T05)] for n in n05])
    pad20 = torch.tensor([[t >= n for t in range(T20)] for n in n20])
    with torch.no_grad():
        logits = m(x05, pad05, x20, pad20)
    tensors = {f"w.{k}": v for k, v in m.state_dict().items()}
    tensors.update({"in.x05": x05, "in.x20": x20, "in.n05": torch.tensor(n05, dtype=torch.float32),
                    "in.n20": torch.tensor(n20, dtype=torch.float32), "out.logits": logits})
    save(os.path.join(HERE, "parity_grading.safetensors"), tensors)


if __name__ == "__main__":
    aggregator()
    grading()
    print("ok")
