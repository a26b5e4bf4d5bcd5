"""PyTorch reference of one BYOL + MFR student step (the objective @osfm/byol-mfr builds in ONNX).

loss = mean_N(1 - cos(pred_student, byol_target)) + lambda * sum_{N,T} w * (1 - cos(decoder(tokens), mfr_target)),
with the targets given (the teacher runs in its own no-grad eval pass), masked rows of x already zeroed.
"""
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "mil"))
from modules import MFRDecoder, MILTransformer  # noqa: E402


def cosine_distance(p, z):
    return 1 - (F.normalize(p, dim=-1) * F.normalize(z, dim=-1)).sum(-1)


def objective(agg, dec, x, pos, pad, masked, byol_target, mfr_target, mfr_weight, lambda_mfr=0.5):
    """masked: [N, T] bool (True = masked); mfr_weight: [N, T]. Returns (loss, loss_byol, loss_mfr)."""
    _, _, pred, tokens = agg(x, pos, pad)
    loss_byol = cosine_distance(pred, byol_target).mean()
    rec = dec(tokens, masked, pad)
    loss_mfr = (cosine_distance(rec, mfr_target) * mfr_weight).sum()
    return loss_byol + lambda_mfr * loss_mfr, loss_byol, loss_mfr


__all__ = ["objective", "MILTransformer", "MFRDecoder"]
