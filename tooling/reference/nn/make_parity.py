#!/usr/bin/python3
"""Reference values for @osfm/nn parity tests, computed with PyTorch (Debian python3-torch).

Writes parity.safetensors (weights, inputs, outputs and gradients) and parity.json (shapes,
settings, the AdamW loss trajectory) next to this script. Small dims keep the files < 1 MB.
Run: /usr/bin/python3 tooling/reference/nn/make_parity.py
"""
import json
import math
import os
import struct

import numpy as np
import torch
import torchvision
from torchvision.models.convnext import CNBlock

HERE = os.path.dirname(os.path.abspath(__file__))
torch.manual_seed(1234)
torch.set_num_threads(1)
torch.set_default_dtype(torch.float32)

out = {}
meta = {"torch": torch.__version__, "torchvision": torchvision.__version__, "cases": {}}


def put(name, t):
    out[name] = t.detach().cpu().contiguous().numpy().astype(np.float32)


def randomise(module, scale=0.3):
    # away from PyTorch's init (zero biases, unit norms) so every gradient path is exercised
    with torch.no_grad():
        for p in module.parameters():
            p.add_(scale * torch.randn_like(p))


def case(prefix, module, inputs, forward, **settings):
    """Stores params, inputs, R, output, d(sum(out*R))/d(params, float inputs)."""
    module.eval()
    for k, v in inputs.items():
        if v.is_floating_point():
            v.requires_grad_(True)
    y = forward(module, **inputs)
    r = torch.randn_like(y)
    loss = (y * r).sum()
    params = dict(module.named_parameters())
    floats = {k: v for k, v in inputs.items() if v.is_floating_point()}
    grads = torch.autograd.grad(loss, list(params.values()) + list(floats.values()))
    for (n, p), g in zip(params.items(), grads):
        put(f"{prefix}.param.{n}", p)
        put(f"{prefix}.grad.{n}", g)
    for (n, v), g in zip(floats.items(), grads[len(params):]):
        put(f"{prefix}.grad_input.{n}", g)
    for n, v in inputs.items():
        put(f"{prefix}.input.{n}", v.float())
    put(f"{prefix}.R", r)
    put(f"{prefix}.output", y)
    meta["cases"][prefix] = {"params": list(params.keys()), "inputs": list(inputs.keys()), "settings": settings}


B, T, D, H, F = 2, 7, 32, 4, 64
pad = torch.zeros(B, T, dtype=torch.bool)
pad[1, 5:] = True  # second slide has 5 real tokens

# MultiheadAttention, self-attention with key padding mask
mha = torch.nn.MultiheadAttention(D, H, batch_first=True)
randomise(mha, 0.2)
case("mha", mha, {"x": torch.randn(B, T, D), "pad": pad},
     lambda m, x, pad: m(x, x, x, key_padding_mask=pad, need_weights=False)[0], embedDim=D, numHeads=H)

# TransformerEncoderLayer: pre-norm ReLU (the aggregator's) and post-norm GELU
for prefix, norm_first, act in [("tel_pre", True, "relu"), ("tel_post", False, "gelu")]:
    layer = torch.nn.TransformerEncoderLayer(D, H, F, dropout=0.1, activation=act, batch_first=True, norm_first=norm_first)
    randomise(layer, 0.2)
    case(prefix, layer, {"x": torch.randn(B, T, D), "pad": pad},
         lambda m, x, pad: m(x, src_key_padding_mask=pad), dModel=D, nhead=H, dimFeedforward=F, normFirst=norm_first, activation=act)

# torchvision ConvNeXt block (dim 16, 8x8 maps)
blk = CNBlock(16, layer_scale=1e-6, stochastic_depth_prob=0.1)
randomise(blk, 0.2)
case("convnext", blk, {"x": torch.randn(2, 16, 8, 8)}, lambda m, x: m(x), dim=16)

# small MLP head: Linear, GELU, Linear
mlp = torch.nn.Sequential(torch.nn.Linear(12, 24), torch.nn.GELU(), torch.nn.Linear(24, 5))
randomise(mlp, 0.1)
case("mlp", mlp, {"x": torch.randn(6, 12)}, lambda m, x: m(x), dims=[12, 24, 5])

# 100 AdamW steps: two lr groups, no decay on biases, clipping at 1.0, warmup + cosine (LambdaLR)
net = torch.nn.Sequential(torch.nn.Linear(6, 12), torch.nn.GELU(), torch.nn.Linear(12, 3))
for n, p in net.named_parameters():
    put(f"adamw.init.{n}", p)
x = torch.randn(16, 6)
y = 3.0 * torch.randn(16, 3)
put("adamw.x", x)
put("adamw.y", y)
cfg = {"lr": 5e-3, "lr_first": 1e-2, "weight_decay": 0.05, "betas": [0.9, 0.999], "eps": 1e-8, "max_norm": 1.0,
       "warmup": 10, "total": 100, "warmup_start": 0.1, "min_factor": 0.05, "steps": 100}
groups = []
for first in (True, False):
    prefix = "0." if first else "2."
    lr = cfg["lr_first"] if first else cfg["lr"]
    named = [(n, p) for n, p in net.named_parameters() if n.startswith(prefix)]
    groups.append({"params": [p for n, p in named if p.ndim > 1], "lr": lr, "weight_decay": cfg["weight_decay"]})
    groups.append({"params": [p for n, p in named if p.ndim <= 1], "lr": lr, "weight_decay": 0.0})
opt = torch.optim.AdamW(groups, lr=cfg["lr"], betas=tuple(cfg["betas"]), eps=cfg["eps"], weight_decay=cfg["weight_decay"])


def factor(step):
    if step < cfg["warmup"]:
        return cfg["warmup_start"] + (1 - cfg["warmup_start"]) * step / cfg["warmup"]
    t = min(1.0, (step - cfg["warmup"]) / (cfg["total"] - cfg["warmup"]))
    return cfg["min_factor"] + (1 - cfg["min_factor"]) * 0.5 * (1 + math.cos(math.pi * t))


sched = torch.optim.lr_scheduler.LambdaLR(opt, factor)
losses, norms = [], []
for step in range(cfg["steps"]):
    opt.zero_grad()
    loss = ((net(x) - y) ** 2).mean()
    loss.backward()
    norms.append(float(torch.nn.utils.clip_grad_norm_(net.parameters(), cfg["max_norm"])))
    opt.step()
    sched.step()
    losses.append(float(loss))
for n, p in net.named_parameters():
    put(f"adamw.final.{n}", p)
meta["adamw"] = {**cfg, "losses": losses, "grad_norms": norms}


def write_safetensors(path, tensors):
    header, blobs, offset = {}, [], 0
    for name in sorted(tensors):
        a = np.ascontiguousarray(tensors[name], dtype="<f4")
        header[name] = {"dtype": "F32", "shape": list(a.shape), "data_offsets": [offset, offset + a.nbytes]}
        blobs.append(a.tobytes())
        offset += a.nbytes
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - (8 + len(h)) % 8) % 8)
    with open(path + ".tmp", "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)
    os.replace(path + ".tmp", path)


write_safetensors(os.path.join(HERE, "parity.safetensors"), out)
with open(os.path.join(HERE, "parity.json"), "w") as f:
    json.dump(meta, f, indent=1)
print(json.dumps({"tensors": len(out), "bytes": sum(a.nbytes for a in out.values())}))
