"""Reference ConvNeXt features from torchvision, for @osfm/backbone parity tests (Debian /usr/bin/python3; needs torch).

usage:
  convnext_reference.py reduced            writes reduced_convnext.safetensors, reduced_convnext_timm.safetensors,
                                           reduced_convnext_ref.json and convnext_tiny_names.json (torchvision's tensor
                                           names and shapes) next to this script (small; committed)
  convnext_reference.py tiny OUT_DIR       writes convnext_tiny.safetensors and convnext_tiny_timm.safetensors into
                                           OUT_DIR (110 MB each, never committed) and prints the reference JSON

Weights: torchvision's own init under torch.manual_seed(SEED), then every tensor perturbed with seeded noise so
that layer scale, norms and biases all matter (torchvision's init has layer_scale 1e-6 and zero biases, which
would hide mistakes in the blocks). Tiles: N deterministic 224x224 RGB tiles from the formula in tile_bytes(),
preprocessed as the original NB05 (ToTensor, ImageNet Normalize). Features: torchvision `features` -> global
average pool -> flatten, i.e. 768-d for ConvNeXt-Tiny (the original drops the classifier entirely).
"""
import json
import os
import struct
import sys

import torch
from torchvision.models.convnext import CNBlockConfig, ConvNeXt

HERE = os.path.dirname(os.path.abspath(__file__))
SEED = 1234
N_TILES = 3
SIDE = 224
TINY = [CNBlockConfig(96, 192, 3), CNBlockConfig(192, 384, 3), CNBlockConfig(384, 768, 9), CNBlockConfig(768, None, 3)]
REDUCED = [CNBlockConfig(8, 16, 1), CNBlockConfig(16, 24, 1), CNBlockConfig(24, 32, 2), CNBlockConfig(32, None, 1)]


def tile_bytes(i):
    """Tile i as uint8 [SIDE, SIDE, 3] (HWC): ((x*3 + y*5 + c*11 + i*37) ^ (x*y % 29)) & 255, integer only."""
    y = torch.arange(SIDE).view(SIDE, 1, 1)
    x = torch.arange(SIDE).view(1, SIDE, 1)
    c = torch.arange(3).view(1, 1, 3)
    return (((x * 3 + y * 5 + c * 11 + i * 37) ^ ((x * y) % 29)) & 255).to(torch.uint8)


def build(setting):
    torch.manual_seed(SEED)
    model = ConvNeXt(setting).eval()
    g = torch.Generator().manual_seed(SEED + 1)
    with torch.no_grad():
        for name, p in model.named_parameters():
            noise = torch.randn(p.shape, generator=g)
            if name.endswith("layer_scale"):
                p.copy_(0.2 + 0.4 * torch.rand(p.shape, generator=g))
            elif p.dim() == 1 and name.endswith("weight"):  # LayerNorm scales
                p.copy_(1 + 0.1 * noise)
            elif name.endswith("bias"):
                p.copy_(0.05 * noise)
            else:
                p.add_(0.02 * noise)
    return model


def features(model):
    x = torch.stack([tile_bytes(i) for i in range(N_TILES)]).permute(0, 3, 1, 2).float() / 255
    mean = torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1)
    std = torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1)
    with torch.no_grad():
        return torch.flatten(torch.nn.functional.adaptive_avg_pool2d(model.features((x - mean) / std), 1), 1)


def timm_name(name):
    """torchvision name -> timm name (None for tensors timm has no place for)."""
    p = name.split(".")
    if p[0] == "classifier":
        return {"0": "head.norm", "2": "head.fc"}[p[1]] + "." + p[2]
    i = int(p[1])
    if i == 0:
        return f"stem.{p[2]}.{p[3]}"
    if i % 2 == 0:
        return f"stages.{i // 2}.downsample.{p[2]}.{p[3]}"
    stage, block = (i - 1) // 2, p[2]
    if p[3] == "layer_scale":
        return f"stages.{stage}.blocks.{block}.gamma"
    part = {"0": "conv_dw", "2": "norm", "3": "mlp.fc1", "5": "mlp.fc2"}[p[4]]
    return f"stages.{stage}.blocks.{block}.{part}.{p[5]}"


def write_safetensors(path, tensors):
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        data = t.detach().contiguous().to(torch.float32).numpy().tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    head = json.dumps(header, separators=(",", ":")).encode()
    head += b" " * ((8 - len(head) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(head)))
        f.write(head)
        for b in blobs:
            f.write(b)


def export(state, out_dir, stem):
    write_safetensors(os.path.join(out_dir, f"{stem}.safetensors"), state)
    timm = {timm_name(k): v for k, v in state.items()}
    # timm stores layer scale as gamma [C] rather than [C, 1, 1]
    timm = {k: (v.flatten() if k.endswith(".gamma") else v) for k, v in timm.items()}
    write_safetensors(os.path.join(out_dir, f"{stem}_timm.safetensors"), timm)


def torchvision_version():
    import torchvision
    return torchvision.__version__


def main():
    mode = sys.argv[1]
    torch.set_num_threads(1)
    if mode == "reduced":
        model = build(REDUCED)
        # drop the 1000-class Linear: it is not used and would dominate the committed file
        state = {k: v for k, v in model.state_dict().items() if not k.startswith("classifier.2")}
        export(state, HERE, "reduced_convnext")
        ref = {"config": {"depths": [1, 1, 2, 1], "dims": [8, 16, 24, 32]}, "seed": SEED, "tiles": N_TILES, "side": SIDE,
               "torch": torch.__version__, "features": features(model).flatten().tolist()}
        with open(os.path.join(HERE, "reduced_convnext_ref.json"), "w") as f:
            json.dump(ref, f)
        tiny = ConvNeXt(TINY)
        names = [[k, list(v.shape)] for k, v in tiny.state_dict().items()]
        with open(os.path.join(HERE, "convnext_tiny_names.json"), "w") as f:
            json.dump({"torchvision": torchvision_version(), "tensors": names}, f)
        print(json.dumps({"ok": True}))
    elif mode == "tiny":
        out_dir = sys.argv[2]
        model = build(TINY)
        export(model.state_dict(), out_dir, "convnext_tiny")
        params = sum(p.numel() for p in model.features.parameters())
        print(json.dumps({"config": {"depths": [3, 3, 9, 3], "dims": [96, 192, 384, 768]}, "seed": SEED, "tiles": N_TILES,
                          "side": SIDE, "torch": torch.__version__, "featureParameters": params,
                          "features": features(model).flatten().tolist()}))
    else:
        raise SystemExit(f"unknown mode {mode}")


if __name__ == "__main__":
    main()
