"""The pretrained encoder: MobileNetV2 (width 1.0) from the npm package nsfwjs@4.4.0 (MIT).

Its weights were trained on ImageNet, then the whole net was fine-tuned by the nsfwjs authors for a
5-class content classifier. They ship in the package as a tfjs layers model with 8-bit quantised
weights inside .js files; `load_nsfwjs_weights` reads them with Node, de-quantises them, and folds
every BatchNorm into its conv, so the trunk below is conv + bias + ReLU6 only. It stays frozen (train.py's
--tune-trunk-from can train its later layers; that made v3 worse out of source, see the model card).

Layer names are Keras's, and src-main/core/engine/mobilenet.ts builds the same trunk in tfjs.
Stride-2 convs pad bottom/right by one pixel, then convolve 'valid' (Keras's correct_pad for even
sizes). Input: the photo's lightness L, fed to all three colour channels as L/100 (a grey photo).
"""
import json
import os
import subprocess

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

# (block name, expansion, output channels, stride); 'expanded_conv' has no expand layer.
BLOCKS = [
    ("expanded_conv", 1, 16, 1),
    ("block_1", 6, 24, 2), ("block_2", 6, 24, 1),
    ("block_3", 6, 32, 2), ("block_4", 6, 32, 1), ("block_5", 6, 32, 1),
    ("block_6", 6, 64, 2), ("block_7", 6, 64, 1), ("block_8", 6, 64, 1), ("block_9", 6, 64, 1),
    ("block_10", 6, 96, 1), ("block_11", 6, 96, 1), ("block_12", 6, 96, 1),
    ("block_13", 6, 160, 2), ("block_14", 6, 160, 1), ("block_15", 6, 160, 1),
    ("block_16", 6, 320, 1),
]
TAP_8 = "block_5"    # 32 channels at 1/8
TAP_16 = "block_12"  # 96 channels at 1/16
POOLED = 1280        # global average of out_relu (1/32)
BN_EPS = 1e-3


def block_layers():
    """[(conv name, kind, in, out, stride)] in order, kind in {conv, dw}; Conv1 first, Conv_1 last."""
    layers = [("Conv1", "conv", 3, 32, 2)]
    cin = 32
    for name, t, cout, s in BLOCKS:
        hidden = cin * t
        if t != 1:
            layers.append((f"{name}_expand", "conv", cin, hidden, 1))
        layers.append((f"{name}_depthwise", "dw", hidden, hidden, s))
        layers.append((f"{name}_project", "conv", hidden, cout, 1))
        cin = cout
    layers.append(("Conv_1", "conv", 320, 1280, 1))
    return layers


def _bn_name(conv_name: str) -> str:
    return {"Conv1": "bn_Conv1", "Conv_1": "Conv_1_bn"}.get(conv_name, conv_name + "_BN")


def load_nsfwjs_weights(package_dir: str) -> dict:
    """{conv name: (kernel in PyTorch layout, bias)} with BatchNorm folded, float64 numpy."""
    model_dir = os.path.join(package_dir, "dist", "models", "mobilenet_v2")
    js = ("const m=require(process.argv[1]+'/model.min.js');const s=require(process.argv[1]+'/group1-shard1of1.min.js');"
          "process.stdout.write(JSON.stringify({manifest:m.weightsManifest,shard:s}))")
    out = subprocess.run(["node", "-e", js, model_dir], check=True, capture_output=True).stdout
    data = json.loads(out)
    import base64
    raw = np.frombuffer(base64.b64decode(data["shard"]), dtype=np.uint8)
    tensors, offset = {}, 0
    for group in data["manifest"]:
        for spec in group["weights"]:
            n = int(np.prod(spec["shape"])) if spec["shape"] else 1
            q = spec.get("quantization")
            if q is None or q["dtype"] != "uint8" or spec["dtype"] != "float32":
                raise ValueError(f"unexpected weight encoding for {spec['name']}")
            vals = q["min"] + q["scale"] * raw[offset:offset + n].astype(np.float64)
            tensors[spec["name"]] = vals.reshape(spec["shape"])
            offset += n
    if offset != raw.size:
        raise ValueError(f"shard size {raw.size} != {offset} bytes described")
    folded = {}
    for name, kind, _cin, _cout, _s in block_layers():
        k = tensors[f"{name}/depthwise_kernel" if kind == "dw" else f"{name}/kernel"]
        bn = _bn_name(name)
        gamma, beta = tensors[f"{bn}/gamma"], tensors[f"{bn}/beta"]
        mean, var = tensors[f"{bn}/moving_mean"], tensors[f"{bn}/moving_variance"]
        scale = gamma / np.sqrt(var + BN_EPS)
        if kind == "dw":  # Keras (kh, kw, C, 1) -> PyTorch (C, 1, kh, kw)
            w = k.transpose(2, 3, 0, 1) * scale[:, None, None, None]
        else:  # Keras (kh, kw, in, out) -> PyTorch (out, in, kh, kw)
            w = k.transpose(3, 2, 0, 1) * scale[:, None, None, None]
        folded[name] = (w, beta - mean * scale)
    return folded


class MobileNetV2Trunk(nn.Module):
    """Frozen trunk. forward(L-normalised input [B,>=1,H,W]) -> (tap 1/8, tap 1/16, pooled 1280)."""

    def __init__(self):
        super().__init__()
        self.specs = block_layers()
        self.convs = nn.ModuleDict()
        for name, kind, cin, cout, s in self.specs:
            k = 3 if kind == "dw" or name == "Conv1" else 1
            groups = cin if kind == "dw" else 1
            # Conv1 sees the 4-channel network input; only channel 0 (L) carries weight (see load()).
            cin_eff = 4 if name == "Conv1" else cin
            self.convs[name] = nn.Conv2d(cin_eff, cout, k, s, padding=0, groups=groups, bias=True)
        for p in self.parameters():
            p.requires_grad_(False)

    def load(self, folded: dict):
        """Load folded weights; Conv1 is rewritten to take normalised L = (L-50)/50 directly."""
        with torch.no_grad():
            for name, _kind, _cin, _cout, _s in self.specs:
                w, b = folded[name]
                w, b = torch.tensor(w, dtype=torch.float64), torch.tensor(b, dtype=torch.float64)
                if name == "Conv1":
                    # rgb = L/100 = 0.5 * x + 0.5 on all three channels, x = (L-50)/50.
                    w_l = 0.5 * w.sum(1, keepdim=True)
                    b = b + 0.5 * w.sum(dim=(1, 2, 3))
                    w = torch.cat([w_l, torch.zeros(w.shape[0], 3, 3, 3, dtype=w.dtype)], 1)
                self.convs[name].weight.copy_(w.float())
                self.convs[name].bias.copy_(b.float())

    def _conv(self, name, x, stride, kind, relu):
        k = 3 if kind == "dw" or name == "Conv1" else 1
        if k == 3:
            x = F.pad(x, (0, 1, 0, 1)) if stride == 2 else F.pad(x, (1, 1, 1, 1))
        x = self.convs[name](x)
        return x.clamp(0, 6) if relu else x

    def forward(self, x):
        x = self._conv("Conv1", x, 2, "conv", True)
        tap8 = tap16 = None
        i = 1
        cin = 32
        for name, t, cout, s in BLOCKS:
            inp = x
            if t != 1:
                x = self._conv(f"{name}_expand", x, 1, "conv", True)
            x = self._conv(f"{name}_depthwise", x, s, "dw", True)
            x = self._conv(f"{name}_project", x, 1, "conv", False)
            if s == 1 and cin == cout:
                x = x + inp
            cin = cout
            if name == TAP_8:
                tap8 = x
            elif name == TAP_16:
                tap16 = x
            i += 1
        x = self._conv("Conv_1", x, 1, "conv", True)
        return tap8, tap16, x.mean(dim=(2, 3))


def trunk_from_package(package_dir: str, cache_path: str) -> MobileNetV2Trunk:
    """The trunk with nsfwjs's weights; the folded weights are cached as .npz outside the repo."""
    if os.path.exists(cache_path):
        z = np.load(cache_path)
        folded = {k[:-2]: (z[k], z[k[:-2] + "_b"]) for k in z.files if k.endswith("_w")}
    else:
        folded = load_nsfwjs_weights(package_dir)
        tmp = cache_path + ".tmp.npz"
        np.savez(tmp, **{f"{k}_w": w for k, (w, _b) in folded.items()}, **{f"{k}_b": b for k, (_w, b) in folded.items()})
        os.replace(tmp, cache_path)
    trunk = MobileNetV2Trunk()
    trunk.load(folded)
    trunk.eval()
    return trunk
