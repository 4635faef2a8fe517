#!/usr/bin/python3
"""Export a PyTorch checkpoint for tfjs: BatchNorm folded into the convs, weights permuted to tfjs
layout (conv (out,in,kh,kw) -> (kh,kw,in,out), dense (out,in) -> (in,out)), plus parity fixtures:
fixed inputs and the PyTorch outputs on them, which the TypeScript side must reproduce.

    /usr/bin/python3 training/export.py --run runs/base --out runs/base/export
Then: node dist/scripts/import-torch.js runs/base/export models/heirloom-base-v2
"""
import argparse
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from heirloom_train.mobilenet import block_layers, trunk_from_package  # noqa: E402
from heirloom_train.models import BetaNet, HeirloomNet, HeirloomNet3  # noqa: E402


def fold(conv_bn):
    w = conv_bn.conv.weight.detach().double()
    if conv_bn.bn is None:
        return w, conv_bn.conv.bias.detach().double()
    bn = conv_bn.bn
    s = bn.weight.detach().double() / torch.sqrt(bn.running_var.double() + bn.eps)
    return w * s[:, None, None, None], bn.bias.detach().double() - bn.running_mean.double() * s


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--run", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--checkpoint", default="checkpoint.pt", help="file in --run (a snapshot-*.pt, say)")
    p.add_argument("--mobilenet-package", default=os.path.join(os.path.dirname(__file__), "..", "runs", "nsfwjs", "package"))
    p.add_argument("--cache", default=os.path.expanduser("~/.cache/heirloom"))
    args = p.parse_args()
    ck = torch.load(os.path.join(args.run, args.checkpoint))
    arch = ck["arch"]
    tensors = []  # (name, array in tfjs layout)
    meta = {"arch": arch, "trainedSteps": ck["state"]["step"], "cpuMinutes": round(ck["state"]["cpu_seconds"] / 60, 1)}
    if arch in ("heirloom", "heirloom3"):
        with open(os.path.join(args.run, "bins.json")) as f:
            bins = json.load(f)
        if arch == "heirloom3":
            net = HeirloomNet3(len(bins["centres"]))
            net.mnet = trunk_from_package(os.path.abspath(args.mobilenet_package), os.path.join(args.cache, "mobilenet_v2_nsfwjs_folded.npz"))
            net.load_state_dict(ck["model"], strict=False)
            for name, kind, *_ in block_layers():
                conv = net.mnet.convs[name]
                w = conv.weight.detach().double()
                # tfjs layout: conv (kh,kw,in,out); depthwise (kh,kw,C,1)
                kernel = w.permute(2, 3, 0, 1) if kind == "dw" else w.permute(2, 3, 1, 0)
                tensors += [(f"{name}/{'depthwise_kernel' if kind == 'dw' else 'kernel'}", kernel), (f"{name}/bias", conv.bias.detach().double())]
            meta["encoder"] = {"package": "nsfwjs@4.4.0", "model": "mobilenet_v2", "licence": "MIT"}
        else:
            net = HeirloomNet(len(bins["centres"]))
            net.load_state_dict(ck["model"])
        net.eval()
        for name, layer in net.layers.items():
            w, b = fold(layer)
            tensors += [(f"{name}/kernel", w.permute(2, 3, 1, 0)), (f"{name}/bias", b)]
        for name in ("global1", "global2"):
            lin = getattr(net, name)
            tensors += [(f"{name}/kernel", lin.weight.detach().double().t()), (f"{name}/bias", lin.bias.detach().double())]
        tensors += [("head/kernel", net.head.weight.detach().double().permute(2, 3, 1, 0)), ("head/bias", net.head.bias.detach().double())]
        meta["centres"] = bins["centres"]
        meta["rebalancingWeights"] = bins["weights"]  # lets the decoder undo the rebalancing tilt
        in_ch = 4
    else:
        net = BetaNet()
        net.load_state_dict(ck["model"])
        net.eval()
        for name, c in net.layers.items():
            tensors += [(f"{name}/kernel", c.weight.detach().double().permute(2, 3, 1, 0)), (f"{name}/bias", c.bias.detach().double())]
        in_ch = 1

    os.makedirs(args.out, exist_ok=True)
    offset, specs, blobs = 0, [], []
    for name, t in tensors:
        arr = t.contiguous().numpy().astype("<f4")
        specs.append({"name": name, "shape": list(arr.shape), "offset": offset, "length": arr.size})
        blobs.append(arr.tobytes())
        offset += arr.size
    with open(os.path.join(args.out, "weights.bin"), "wb") as f:
        f.write(b"".join(blobs))
    meta["weights"] = specs

    # Parity fixtures: a seeded random input and a smooth ramp, both 64 x 96, NHWC float32
    # (multiples of 16, as v3 needs).
    g = torch.Generator().manual_seed(7)
    rand = torch.rand(1, in_ch, 64, 96, generator=g) * 2 - 1
    if in_ch == 4:
        rand[:, 3] = (rand[:, 3] > 0.8).float()
    yy, xx = torch.meshgrid(torch.linspace(-1, 1, 64), torch.linspace(-1, 1, 96), indexing="ij")
    ramp = torch.zeros(1, in_ch, 64, 96)
    ramp[:, 0] = (xx * yy + 0.3 * torch.sin(6 * xx))
    fixtures = []
    with torch.no_grad():
        for k, x in (("random", rand), ("ramp", ramp)):
            net_out = net(x.float())
            xi = x.permute(0, 2, 3, 1).contiguous().numpy().astype("<f4")
            yo = net_out.permute(0, 2, 3, 1).contiguous().numpy().astype("<f4")
            xi.tofile(os.path.join(args.out, f"parity-{k}-input.bin"))
            yo.tofile(os.path.join(args.out, f"parity-{k}-output.bin"))
            fixtures.append({"name": k, "inputShape": list(xi.shape), "outputShape": list(yo.shape)})
    meta["parity"] = fixtures
    meta["torchVersion"] = torch.__version__
    with open(os.path.join(args.out, "export.json"), "w") as f:
        json.dump(meta, f)
    print(f"exported {arch}: {len(specs)} tensors, {offset} floats -> {args.out}")


if __name__ == "__main__":
    main()
