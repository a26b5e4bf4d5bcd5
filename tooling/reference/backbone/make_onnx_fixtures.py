"""Small ONNX encoder fixtures for @osfm/backbone tests (run with Debian's /usr/bin/python3; needs torch).

Writes, next to this script:
  tiny_encoder.onnx       image encoder: input "image" [batch, 3, 32, 32] float32 -> "features" [batch, 24]
  wrong_input.onnx        an MNIST-like model: input [batch, 1, 28, 28] (not an RGB image encoder)
  tiny_encoder_ref.json   features torch computes for fixed inputs, to check onnxruntime-node against
The models are seeded, so re-running reproduces the same files (up to exporter version).
"""
import json
import os

import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
torch.manual_seed(7)


class TinyEncoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 16, 4, stride=4)
        self.norm = nn.GroupNorm(1, 16)
        self.fc = nn.Linear(16, 24)

    def forward(self, x):
        x = torch.nn.functional.gelu(self.norm(self.conv(x)))
        return self.fc(x.mean(dim=(2, 3)))


class Mnist(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 4, 3)
        self.fc = nn.Linear(4, 10)

    def forward(self, x):
        return self.fc(self.conv(x).mean(dim=(2, 3)))


def export(model, shape, name, in_name, out_name):
    model.eval()
    torch.onnx.export(
        model, torch.zeros(*shape), os.path.join(HERE, name), input_names=[in_name], output_names=[out_name],
        dynamic_axes={in_name: {0: "batch"}, out_name: {0: "batch"}}, opset_version=13,
    )


enc = TinyEncoder()
export(enc, (1, 3, 32, 32), "tiny_encoder.onnx", "image", "features")
export(Mnist(), (1, 1, 28, 28), "wrong_input.onnx", "digits", "logits")

# Fixed inputs: bytes i*37+c*11+y*5+x*3 mod 256 (HWC), normalised with ImageNet mean/std as float32.
n, side = 3, 32
tiles = torch.zeros(n, side, side, 3, dtype=torch.uint8)
for i in range(n):
    for y in range(side):
        for x in range(side):
            for c in range(3):
                tiles[i, y, x, c] = (i * 37 + c * 11 + y * 5 + x * 3) % 256
x = tiles.permute(0, 3, 1, 2).float() / 255
mean = torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1)
std = torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1)
with torch.no_grad():
    out = enc((x - mean) / std)
with open(os.path.join(HERE, "tiny_encoder_ref.json"), "w") as f:
    json.dump({"n": n, "side": side, "dim": 24, "torch": torch.__version__, "features": out.flatten().tolist()}, f)
print(json.dumps({"ok": True}))
