"""Writes parity_objective.safetensors: small-config weights, inputs, loss and every gradient of one
BYOL + MFR student step (eval mode: dropout off), for src/objective-parity.test.ts.

Run: /usr/bin/python3 tooling/reference/byol-mfr/make_parity.py
"""
import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "mil"))
from objective import MFRDecoder, MILTransformer, objective  # noqa: E402
from safetensors_io import save  # noqa: E402

torch.manual_seed(7)
D, T, N = 16, 7, 4
agg = MILTransformer(dim=D, depth=1, heads=2, ff_mult=2, pos_hidden=8).eval()
dec = MFRDecoder(dim=D, dec_dim=8, depth=1, heads=2, ff=16).eval()
x = torch.randn(N, T, D)
pos = torch.rand(N, T, 3) * 5
lengths = [7, 5, 7, 5]
pad = torch.tensor([[t >= n for t in range(T)] for n in lengths])
masked = torch.zeros(N, T, dtype=torch.bool)
for r, idx in enumerate([[1, 4], [0, 3], [1, 4], [0, 3]]):
    masked[r, idx] = True
x = x.masked_fill(masked.unsqueeze(-1), 0.0)
byol_target = torch.randn(N, D)
mfr_target = torch.randn(N, T, D)
mfr_weight = masked.float() / masked.sum()
loss, lb, lm = objective(agg, dec, x, pos, pad, masked, byol_target, mfr_target, mfr_weight)
loss.backward()
t = {f"agg.{k}": v for k, v in agg.state_dict().items()}
t.update({f"dec.{k}": v for k, v in dec.state_dict().items()})
t.update({f"grad.agg.{k}": p.grad for k, p in agg.named_parameters()})
t.update({f"grad.dec.{k}": p.grad for k, p in dec.named_parameters()})
t.update({"in.x": x, "in.pos": pos, "in.pad": pad.float(), "in.masked": masked.float(), "in.byol_target": byol_target,
          "in.mfr_target": mfr_target, "in.mfr_weight": mfr_weight,
          "out.loss": loss.detach().reshape(1), "out.loss_byol": lb.detach().reshape(1), "out.loss_mfr": lm.detach().reshape(1)})
save(os.path.join(HERE, "parity_objective.safetensors"), t)
print({"loss": float(loss), "loss_byol": float(lb), "loss_mfr": float(lm)})
