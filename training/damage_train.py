#!/usr/bin/python3
"""The learned damage detector: a small U-Net that marks scratches, dust and creases on a grey
photo's lightness, trained on tiles from scripts/damage-tiles.ts (the same seeded generator that
scripts/restore-eval.ts measures with, on training photos only).

    node dist/scripts/damage-tiles.js runs/damage-tiles
    /usr/bin/python3 training/damage_train.py --tiles runs/damage-tiles --out runs/damage --cpu-minutes 40
    /usr/bin/python3 training/damage_train.py --out runs/damage --export models/damage-detector [--threshold 0.7]

Resumable (runs/damage/checkpoint.pt); training/checkpoints/damage.pt is the committed copy. Only
stride-1 3×3 convolutions, 2×2 average pooling and nearest ×2 upsampling, so TensorFlow.js computes
exactly the same thing (test/unit/damage-net-parity.test.ts checks the exported fixtures).
"""
import argparse
import json
import math
import os
import random
import shutil
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

WIDTHS = (16, 32, 64)


class DamageNet(nn.Module):
    def __init__(self, widths=WIDTHS):
        super().__init__()
        c1, c2, c3 = widths

        def conv(i, o):
            return nn.Conv2d(i, o, 3, padding=1)

        self.e1a, self.e1b = conv(1, c1), conv(c1, c1)
        self.e2a, self.e2b = conv(c1, c2), conv(c2, c2)
        self.e3a, self.e3b = conv(c2, c3), conv(c3, c3)
        self.d2 = conv(c3 + c2, c2)
        self.d1 = conv(c2 + c1, c1)
        self.head = nn.Conv2d(c1, 1, 1)

    def forward(self, x):
        """x: [B,1,H,W] lightness / 50 − 1 (H, W multiples of 4) → damage logits [B,1,H,W]."""
        e1 = F.relu(self.e1b(F.relu(self.e1a(x))))
        e2 = F.relu(self.e2b(F.relu(self.e2a(F.avg_pool2d(e1, 2)))))
        e3 = F.relu(self.e3b(F.relu(self.e3a(F.avg_pool2d(e2, 2)))))
        d2 = F.relu(self.d2(torch.cat([F.interpolate(e3, scale_factor=2, mode="nearest"), e2], 1)))
        d1 = F.relu(self.d1(torch.cat([F.interpolate(d2, scale_factor=2, mode="nearest"), e1], 1)))
        return self.head(d1)

    # Layer order as the TypeScript side runs them (src-main/core/restore/damage-net.ts).
    LAYERS = ("e1a", "e1b", "e2a", "e2b", "e3a", "e3b", "d2", "d1", "head")


def load_tiles(folder):
    meta = json.load(open(os.path.join(folder, "meta.json")))
    t = meta["tile"]
    L = np.fromfile(os.path.join(folder, "tiles-L.u8"), dtype=np.uint8).reshape(-1, t, t)
    M = np.fromfile(os.path.join(folder, "tiles-mask.u8"), dtype=np.uint8).reshape(-1, t, t)
    return L, M, meta


def batch_of(L, M, idx, rng):
    xs, ys = [], []
    for i in idx:
        l, m = L[i], M[i]
        k = rng.randrange(4)
        l, m = np.rot90(l, k), np.rot90(m, k)
        if rng.random() < 0.5:
            l, m = l[:, ::-1], m[:, ::-1]
        xs.append(np.ascontiguousarray(l))
        ys.append(np.ascontiguousarray(m))
    x = torch.from_numpy(np.stack(xs)).float()[:, None] / 2.55 / 50 - 1
    y = torch.from_numpy(np.stack(ys)).float()[:, None]
    return x, y


def loss_fn(logits, y):
    bce = F.binary_cross_entropy_with_logits(logits, y, pos_weight=torch.tensor(3.0))
    p = torch.sigmoid(logits)
    dice = 1 - (2 * (p * y).sum() + 1) / (p.sum() + y.sum() + 1)
    return bce + 0.5 * dice


@torch.no_grad()
def f1_at(net, x, y, thr=0.5):
    p = torch.sigmoid(net(x)) >= thr
    t = y >= 0.5
    tp = (p & t).sum().item()
    fp = (p & ~t).sum().item()
    fn = (~p & t).sum().item()
    return 2 * tp / max(1, 2 * tp + fp + fn)


def export(net, out):
    """Weights as float32 (tfjs layout: conv kernels [kh, kw, in, out]) + a parity fixture."""
    os.makedirs(out, exist_ok=True)
    layers, blobs, offset = [], [], 0
    for name in DamageNet.LAYERS:
        conv = getattr(net, name)
        w = conv.weight.detach().permute(2, 3, 1, 0).contiguous().numpy().astype("<f4")
        b = conv.bias.detach().numpy().astype("<f4")
        layers.append({"name": name, "shape": list(w.shape), "offset": offset})
        offset += w.size + b.size
        blobs += [w.ravel(), b.ravel()]
    np.concatenate(blobs).tofile(os.path.join(out, "weights.bin"))
    g = torch.Generator().manual_seed(3)
    x = (torch.rand(1, 1, 32, 48, generator=g) * 2 - 1)
    with torch.no_grad():
        y = net(x)
    json.dump({"input": x.ravel().tolist(), "height": 32, "width": 48, "logits": y.ravel().tolist()},
              open(os.path.join(out, "parity.json"), "w"))
    return layers


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--tiles", default="runs/damage-tiles")
    p.add_argument("--out", default="runs/damage")
    p.add_argument("--cpu-minutes", type=float, default=40)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--batch", type=int, default=16)
    p.add_argument("--lr", type=float, default=2e-3)
    p.add_argument("--seed-checkpoint", default=None)
    p.add_argument("--export", default=None, help="write the tfjs weights of the run's checkpoint here and stop")
    p.add_argument("--threshold", type=float, default=0.7,
                   help="damage probability threshold written with --export (chosen on the tune half by scripts/restore-eval.ts: the lowest that keeps repair of clean photos ≥ 45 dB)")
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    os.makedirs(args.out, exist_ok=True)
    ckpt = os.path.join(args.out, "checkpoint.pt")
    if args.seed_checkpoint and not os.path.exists(ckpt):
        shutil.copyfile(args.seed_checkpoint, ckpt)
    net = DamageNet()
    opt = torch.optim.Adam(net.parameters(), lr=args.lr)
    state = {"step": 0, "cpu_seconds": 0.0}
    rng = random.Random(5)
    if os.path.exists(ckpt):
        ck = torch.load(ckpt)
        net.load_state_dict(ck["model"])
        opt.load_state_dict(ck["optim"])
        state = ck["state"]
        rng.setstate(ck["rng"])
        print(f"resumed at step {state['step']}, {state['cpu_seconds'] / 60:.1f} CPU-min", flush=True)
    if args.export:
        layers = export(net, args.export)
        manifest = {"id": f"damage-detector-s{state['step']}", "architecture": "damage-unet", "widths": list(WIDTHS),
                    "input": "L / 50 - 1, height and width multiples of 4", "layers": layers,
                    "trainedCpuMinutes": round(state["cpu_seconds"] / 60, 1), "steps": state["step"],
                    "threshold": args.threshold}
        json.dump(manifest, open(os.path.join(args.export, "damage.json"), "w"), indent=2)
        print(f"exported {manifest['id']} to {args.export}")
        return

    L, M, meta = load_tiles(args.tiles)
    n_val = max(64, len(L) // 20)
    val_idx = list(range(len(L) - n_val, len(L)))
    train_n = len(L) - n_val
    vx, vy = batch_of(L, M, val_idx, random.Random(0))
    print(f"{train_n} training tiles, {n_val} validation tiles of {meta['tile']}²; damaged share {meta['damagedShare']:.4f}", flush=True)
    budget = args.cpu_minutes * 60
    cpu0 = time.process_time() - state["cpu_seconds"]
    last = time.time()
    log = open(os.path.join(args.out, "log.tsv"), "a")

    def save():
        state["cpu_seconds"] = time.process_time() - cpu0
        net.eval()
        f1 = f1_at(net, vx, vy)
        net.train()
        state["val_f1"] = f1
        tmp = ckpt + ".tmp"
        torch.save({"model": net.state_dict(), "optim": opt.state_dict(), "state": state, "rng": rng.getstate()}, tmp)
        os.replace(tmp, ckpt)
        line = f"{state['step']}\t{state['cpu_seconds'] / 60:.2f}\t{state.get('loss', float('nan')):.4f}\tval_f1={f1:.4f}"
        print("ckpt " + line, flush=True)
        log.write(line + "\n")
        log.flush()

    net.train()
    while time.process_time() - cpu0 < budget:
        frac = (time.process_time() - cpu0) / budget
        for g in opt.param_groups:
            g["lr"] = args.lr * min(1.0, frac * 40) * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * frac)))
        x, y = batch_of(L, M, [rng.randrange(train_n) for _ in range(args.batch)], rng)
        loss = loss_fn(net(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        state["step"] += 1
        state["loss"] = 0.98 * state.get("loss", loss.item()) + 0.02 * loss.item()
        if state["step"] % 50 == 0:
            print(f"step {state['step']} loss {state['loss']:.4f} cpu {(time.process_time() - cpu0) / 60:.1f}m", flush=True)
        if time.time() - last > 180:
            save()
            last = time.time()
    save()


if __name__ == "__main__":
    main()
