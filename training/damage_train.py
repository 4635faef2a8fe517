#!/usr/bin/python3
"""The learned damage detector: a small U-Net that marks scratches, dust and creases on a grey
photo's lightness, trained on tiles from scripts/damage-tiles.ts (the same seeded generator that
scripts/restore-eval.ts measures with, on training photos only).

    node dist/scripts/damage-tiles.js runs/damage-tiles
    /usr/bin/python3 training/damage_train.py --tiles runs/damage-tiles --out runs/damage --cpu-minutes 40
    /usr/bin/python3 training/damage_train.py --out runs/damage --export runs/damage-candidate
    node dist/scripts/damage-threshold.js --detector runs/damage-candidate   # the threshold, on the tune half
    /usr/bin/python3 training/damage_train.py --out runs/damage --export models/damage-detector --threshold <chosen> --views <chosen>

Resumable (runs/damage/checkpoint.pt); training/checkpoints/damage.pt is the committed copy. Only
stride-1 3×3 convolutions, 2×2 average pooling and nearest ×2 upsampling, so TensorFlow.js computes
exactly the same thing (test/unit/damage-net-parity.test.ts checks the exported fixtures).
"""
import argparse
import json
import os
import random
import shutil
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from heirloom_train.schedule import optimise, save_atomic, warmup_cosine  # noqa: E402

WIDTHS = (16, 32, 64)


def layer_names(levels):
    """Layer order as the TypeScript side runs them (src-main/core/restore/damage-net.ts)."""
    enc = [f"e{i}{ab}" for i in range(1, levels + 1) for ab in "ab"]
    return tuple(enc + [f"d{i}" for i in range(levels - 1, 0, -1)] + ["head"])


class DamageNet(nn.Module):
    """A U-Net with len(widths) levels: two 3×3 convs per level, 2×2 average pooling down, nearest ×2
    up, one 3×3 conv per level on the way up over [upsampled, skip]."""

    def __init__(self, widths=WIDTHS, in_ch=1):
        super().__init__()
        self.widths = tuple(widths)
        self.levels = len(widths)
        self.in_ch = in_ch  # 1 for the detector; the learned fill (fill_train.py) also sees its mask

        def conv(i, o):
            return nn.Conv2d(i, o, 3, padding=1)

        prev = in_ch
        for i, c in enumerate(widths, 1):
            setattr(self, f"e{i}a", conv(prev, c))
            setattr(self, f"e{i}b", conv(c, c))
            prev = c
        for i in range(self.levels - 1, 0, -1):
            setattr(self, f"d{i}", conv(widths[i] + widths[i - 1], widths[i - 1]))
        self.head = nn.Conv2d(widths[0], 1, 1)
        self.LAYERS = layer_names(self.levels)

    def forward(self, x):
        """x: [B,1,H,W] lightness / 50 − 1 (H, W multiples of 2^(levels−1)) → damage logits [B,1,H,W]."""
        skips, t = [], x
        for i in range(1, self.levels + 1):
            if i > 1:
                t = F.avg_pool2d(t, 2)
            t = F.relu(getattr(self, f"e{i}b")(F.relu(getattr(self, f"e{i}a")(t))))
            skips.append(t)
        for i in range(self.levels - 1, 0, -1):
            up = F.interpolate(t, scale_factor=2, mode="nearest")
            t = F.relu(getattr(self, f"d{i}")(torch.cat([up, skips[i - 1]], 1)))
        return self.head(t)

    @torch.no_grad()
    def grow_from(self, smaller):
        """Start from a trained net with one level fewer and compute exactly what it computed: its
        layers are copied (same shapes), the new bottom level starts at zero and the new decoder conv
        passes its skip (the old bottom, ≥ 0 after ReLU) straight through."""
        assert smaller.levels == self.levels - 1 and smaller.widths == self.widths[:-1]
        own = dict(self.named_parameters())
        for name, v in smaller.named_parameters():
            own[name].copy_(v)
        n = self.levels - 1
        d = getattr(self, f"d{n}")
        d.weight.zero_()
        d.bias.zero_()
        c_up = self.widths[n]
        for c in range(self.widths[n - 1]):
            d.weight[c, c_up + c, 1, 1] = 1.0


def load_tiles(folder, tile=192):
    """A tile folder; one still being written (no meta.json yet) is read up to its last whole tile."""
    meta_file = os.path.join(folder, "meta.json")
    meta = json.load(open(meta_file)) if os.path.exists(meta_file) else {"tile": tile}
    t = meta["tile"]
    L = np.fromfile(os.path.join(folder, "tiles-L.u8"), dtype=np.uint8)
    M = np.fromfile(os.path.join(folder, "tiles-mask.u8"), dtype=np.uint8)
    n = min(len(L), len(M)) // (t * t)
    L, M = L[: n * t * t].reshape(n, t, t), M[: n * t * t].reshape(n, t, t)
    meta.setdefault("damagedShare", float(M.mean()) if n else 0.0)
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
def f1_at(net, x, y, thr=0.5, chunk=32):
    tp = fp = fn = 0
    for i in range(0, len(x), chunk):  # in chunks: large tiles through a deeper net need memory
        p = torch.sigmoid(net(x[i:i + chunk])) >= thr
        t = y[i:i + chunk] >= 0.5
        tp += (p & t).sum().item()
        fp += (p & ~t).sum().item()
        fn += (~p & t).sum().item()
    return 2 * tp / max(1, 2 * tp + fp + fn)


def export(net, out):
    """Weights as float32 (tfjs layout: conv kernels [kh, kw, in, out]) + a parity fixture."""
    os.makedirs(out, exist_ok=True)
    layers, blobs, offset = [], [], 0
    for name in net.LAYERS:
        conv = getattr(net, name)
        w = conv.weight.detach().permute(2, 3, 1, 0).contiguous().numpy().astype("<f4")
        b = conv.bias.detach().numpy().astype("<f4")
        layers.append({"name": name, "shape": list(w.shape), "offset": offset})
        offset += w.size + b.size
        blobs += [w.ravel(), b.ravel()]
    np.concatenate(blobs).tofile(os.path.join(out, "weights.bin"))
    g = torch.Generator().manual_seed(3)
    x = (torch.rand(1, net.in_ch, 32, 48, generator=g) * 2 - 1)
    with torch.no_grad():
        y = net(x)
    json.dump({"input": x.ravel().tolist(), "height": 32, "width": 48, "logits": y.ravel().tolist()},
              open(os.path.join(out, "parity.json"), "w"))
    return layers


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--tiles", default="runs/damage-tiles", help="tile folder(s), comma-separated")
    p.add_argument("--mix", default=None, help="sampling weight per tile folder, comma-separated (default: by size)")
    p.add_argument("--out", default="runs/damage")
    p.add_argument("--cpu-minutes", type=float, default=40)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--batch", type=int, default=16)
    p.add_argument("--lr", type=float, default=2e-3)
    p.add_argument("--hard", default=None,
                   help="hard-negative mining per tile folder, comma-separated candidates per pick (1 = none): each pick "
                        "from such a folder is the worst-scored of that many random tiles (online hard example mining)")
    p.add_argument("--val-tiles", type=int, default=480, help="validation tiles scored at each checkpoint (the last ones)")
    p.add_argument("--save-every", type=float, default=180, help="wall seconds between checkpoints")
    p.add_argument("--seed-checkpoint", default=None)
    p.add_argument("--widths", default=None, help="channels per level, e.g. 16,32,64,128 (default: the checkpoint's, else 16,32,64)")
    p.add_argument("--grow-from", default=None,
                   help="a checkpoint of a net with one level fewer: start from what it computes (DamageNet.grow_from)")
    p.add_argument("--export", default=None, help="write the tfjs weights of the run's checkpoint here and stop")
    p.add_argument("--threshold", type=float, default=0.7,
                   help="damage probability threshold written with --export (chosen on the tune half by scripts/damage-threshold.ts: the best F1 that keeps repair of clean photos ≥ 45 dB + a 3 dB margin)")
    p.add_argument("--working-side", type=int, default=None,
                   help="written with --export: the print long side (px) the tiles were made at (scripts/aged-damage-tiles.ts); the app brings every photo to it")
    p.add_argument("--views", type=int, choices=(1, 2, 4), default=1,
                   help="mirror views the detector averages, written with --export (chosen with the threshold, scripts/damage-threshold.ts --views)")
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    os.makedirs(args.out, exist_ok=True)
    ckpt = os.path.join(args.out, "checkpoint.pt")
    if args.seed_checkpoint and not os.path.exists(ckpt):
        shutil.copyfile(args.seed_checkpoint, ckpt)
    ck = torch.load(ckpt) if os.path.exists(ckpt) else None
    widths = tuple(int(w) for w in args.widths.split(",")) if args.widths else None
    if ck is not None:
        widths = tuple(ck["state"].get("widths", WIDTHS))
    net = DamageNet(widths or WIDTHS)
    if ck is None and args.grow_from:
        old = torch.load(args.grow_from)
        smaller = DamageNet(tuple(old["state"].get("widths", WIDTHS)))
        smaller.load_state_dict(old["model"])
        net.grow_from(smaller)
        print(f"grown from {args.grow_from} ({smaller.widths} → {net.widths})", flush=True)
    opt = torch.optim.Adam(net.parameters(), lr=args.lr)
    state = {"step": 0, "cpu_seconds": 0.0, "widths": list(net.widths)}
    rng = random.Random(5)
    if ck is not None:
        net.load_state_dict(ck["model"])
        opt.load_state_dict(ck["optim"])
        state = ck["state"]
        rng.setstate(ck["rng"])
        print(f"resumed at step {state['step']}, {state['cpu_seconds'] / 60:.1f} CPU-min", flush=True)
    if args.export:
        layers = export(net, args.export)
        manifest = {"id": f"damage-detector-s{state['step']}", "architecture": "damage-unet", "widths": list(net.widths),
                    "input": f"L / 50 - 1, height and width multiples of {2 ** (net.levels - 1)}", "layers": layers,
                    "trainedCpuMinutes": round(state["cpu_seconds"] / 60, 1), "steps": state["step"],
                    "threshold": args.threshold, "views": args.views}
        if args.working_side:
            manifest["workingSide"] = args.working_side
        json.dump(manifest, open(os.path.join(args.export, "damage.json"), "w"), indent=2)
        print(f"exported {manifest['id']} to {args.export}")
        return

    # Several tile sets (synthetic aged prints, real damaged photos of the tune part, ...) are drawn
    # from with the --mix weights; the last twentieth of the first set is held back for validation.
    sets = [load_tiles(f) for f in args.tiles.split(",")]
    mix = [float(v) for v in args.mix.split(",")] if args.mix else [float(len(L)) for L, _, _ in sets]
    assert len(mix) == len(sets), "--mix needs one weight per tile folder"
    assert len({m["tile"] for _, _, m in sets}) == 1, "every tile folder must have the same tile size"
    L, M, meta = sets[0]
    n_val = max(64, len(L) // 20)
    usable = [len(L) - n_val] + [len(s[0]) for s in sets[1:]]
    vx, vy = batch_of(L, M, list(range(len(L) - min(n_val, args.val_tiles), len(L))), random.Random(0))
    for (Ls, _, ms), n, wgt in zip(sets, usable, mix):
        print(f"{n} training tiles (weight {wgt:g}) of {ms['tile']}²; damaged share {ms['damagedShare']:.4f}", flush=True)
    print(f"{n_val} held back ({len(vx)} scored)", flush=True)
    cum = np.cumsum(mix) / np.sum(mix)
    hard = [int(v) for v in args.hard.split(",")] if args.hard else [1] * len(sets)
    assert len(hard) == len(sets) and min(hard) >= 1, "--hard needs one whole number ≥ 1 per tile folder"

    def draw():
        k = int(np.searchsorted(cum, rng.random(), side="right"))
        k = min(k, len(sets) - 1)
        return k, rng.randrange(usable[k])
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
        save_atomic({"model": net.state_dict(), "optim": opt.state_dict(), "state": state, "rng": rng.getstate()}, ckpt)
        line = f"{state['step']}\t{state['cpu_seconds'] / 60:.2f}\t{state.get('loss', float('nan')):.4f}\tval_f1={f1:.4f}"
        print("ckpt " + line, flush=True)
        log.write(line + "\n")
        log.flush()

    @torch.no_grad()
    def pick_hardest(k, n):
        """The tile of folder k, out of n drawn, that the detector now gets most wrong (per-tile loss)."""
        idx = [rng.randrange(usable[k]) for _ in range(n)]
        x, y = batch_of(sets[k][0], sets[k][1], idx, random.Random(0))
        per = F.binary_cross_entropy_with_logits(net(x), y, reduction="none").mean((1, 2, 3))
        return k, idx[int(per.argmax())]

    net.train()
    while time.process_time() - cpu0 < budget:
        frac = (time.process_time() - cpu0) / budget
        for g in opt.param_groups:
            g["lr"] = args.lr * warmup_cosine(frac, 40)
        picks = [draw() for _ in range(args.batch)]
        picks = [pick if hard[pick[0]] == 1 else pick_hardest(pick[0], hard[pick[0]]) for pick in picks]
        parts = [batch_of(sets[k][0], sets[k][1], [i for kk, i in picks if kk == k], rng) for k in range(len(sets)) if any(kk == k for kk, _ in picks)]
        x, y = torch.cat([a for a, _ in parts]), torch.cat([b for _, b in parts])
        loss = loss_fn(net(x), y)
        optimise(opt, loss, state)
        if state["step"] % 50 == 0:
            print(f"step {state['step']} loss {state['loss']:.4f} cpu {(time.process_time() - cpu0) / 60:.1f}m", flush=True)
        if time.time() - last > args.save_every:
            save()
            last = time.time()
    save()


if __name__ == "__main__":
    main()
