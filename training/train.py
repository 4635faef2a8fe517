#!/usr/bin/python3
"""Train Heirloom's base colorizer (or the seeds' beta network for comparison) with Debian's PyTorch.

    /usr/bin/python3 training/train.py --arch heirloom --out runs/base --cpu-minutes 85 --threads 1

Resumable: re-running with the same --out continues from runs/<out>/checkpoint.pt.
The budget is process CPU time, so two runs given the same budget got the same compute.
Validation photos (sha1(name) % 10 == 0) are never trained on.
"""
import argparse
import json
import os
import random
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from heirloom_train.bins import annealed_mean, build_bins, soft_encode  # noqa: E402
from heirloom_train.data import list_pool, load_cached, rgb_to_lab  # noqa: E402
from heirloom_train.models import BetaNet, HeirloomNet, HeirloomNet3  # noqa: E402
from heirloom_train.mobilenet import trunk_from_package  # noqa: E402
from heirloom_train.schedule import optimise, save_atomic, warmup_cosine  # noqa: E402

SCALES = (128, 160, 192, 224)  # crop sizes taken from the 224 store, then resized to --crop


def parse_args():
    p = argparse.ArgumentParser()
    p.add_argument("--arch", choices=["heirloom", "heirloom3", "beta"], default="heirloom")
    p.add_argument("--crop", type=int, default=128, help="training crop side (v3: 160, a multiple of 16)")
    p.add_argument("--hold-out-sources", action="store_true", help="never train on the held-out sources (v3)")
    p.add_argument("--hint-p-none", type=float, default=0.5, help="share of training crops without hints")
    p.add_argument("--hint-uniform", action="store_true", help="place simulated hints uniformly, not centre-weighted")
    p.add_argument("--mobilenet-package", default=os.path.join(os.path.dirname(__file__), "..", "runs", "nsfwjs", "package"),
                   help="unpacked npm tarball of nsfwjs@4.4.0 (heirloom3's pretrained encoder)")
    p.add_argument("--seed-checkpoint", default=None,
                   help="a committed checkpoint (training/checkpoints/*.pt) to continue from when --out has none yet")
    p.add_argument("--tune-trunk-from", default=None,
                   help="heirloom3: train the MobileNetV2 trunk from this conv on (e.g. block_6_expand), at a lower rate; "
                        "a run that changes it starts a new phase (fresh optimiser, its own warm-up and decay)")
    p.add_argument("--trunk-lr-scale", type=float, default=0.1, help="trunk learning rate as a share of --lr")
    p.add_argument("--snapshot-every", type=float, default=0, help="CPU-minutes between kept weight snapshots (0: none)")
    p.add_argument("--pool", default=os.path.join(os.path.dirname(__file__), "..", "..", "shared", "datasets", "photos"))
    p.add_argument("--cache", default=os.path.expanduser("~/.cache/heirloom"))
    p.add_argument("--out", required=True)
    p.add_argument("--cpu-minutes", type=float, default=60)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--batch", type=int, default=24)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--checkpoint-every", type=float, default=300, help="wall seconds")
    return p.parse_args()


def random_batch(store: np.ndarray, batch: int, rng: random.Random, crop: int) -> torch.Tensor:
    """Random multi-scale square crops with horizontal flips -> RGB [B,3,crop,crop] in [0,1]."""
    side = rng.choice([s for s in SCALES if s >= crop])
    crops = []
    for _ in range(batch):
        i = rng.randrange(store.shape[0])
        y = rng.randrange(store.shape[1] - side + 1)
        x = rng.randrange(store.shape[2] - side + 1)
        c = store[i, y:y + side, x:x + side]
        if rng.random() < 0.5:
            c = c[:, ::-1]
        crops.append(np.ascontiguousarray(c))
    t = torch.from_numpy(np.stack(crops)).permute(0, 3, 1, 2).float() / 255.0
    if side != crop:
        t = F.interpolate(t, size=(crop, crop), mode="bilinear", align_corners=False, antialias=True).clamp(0, 1)
    return t


def simulate_hints(ab: torch.Tensor, rng: random.Random, p_none=0.5, uniform=False):
    """User colour hints as in Zhang et al. 2017: none half the time, else a geometric number of
    small patches revealing the true mean ab. Returns hint ab [B,2,H,W] and mask [B,1,H,W]."""
    b, _, h, w = ab.shape
    hints = torch.zeros_like(ab)
    mask = torch.zeros(b, 1, h, w)
    for i in range(b):
        if rng.random() < p_none:
            continue
        n = 1
        while rng.random() > 1 / 8 and n < 24:
            n += 1
        for _ in range(n):
            s = rng.randint(1, 9)
            if uniform:
                y, x = rng.randrange(h - s + 1), rng.randrange(w - s + 1)
            else:
                y = min(max(int(rng.gauss(h / 2, h / 4)), 0), h - s)
                x = min(max(int(rng.gauss(w / 2, w / 4)), 0), w - s)
            patch = ab[i, :, y:y + s, x:x + s]
            hints[i, :, y:y + s, x:x + s] = patch.mean(dim=(1, 2), keepdim=True)
            mask[i, :, y:y + s, x:x + s] = 1
    return hints, mask


def network_input(lab: torch.Tensor, hints: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Normalisation shared with the TypeScript engine: (L-50)/50, hint ab/110, mask 0/1."""
    return torch.cat([(lab[:, :1] - 50) / 50, hints / 110, mask], 1)


def main():
    args = parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    os.makedirs(args.out, exist_ok=True)
    os.makedirs(args.cache, exist_ok=True)
    pool = os.path.abspath(args.pool)
    train_names, val_names, oos_names = list_pool(pool, args.hold_out_sources)
    store = load_cached(pool, train_names, os.path.join(args.cache, f"train_{len(train_names)}.npy"))
    val_store = load_cached(pool, val_names, os.path.join(args.cache, f"val_{len(val_names)}.npy"))
    oos_store = load_cached(pool, oos_names, os.path.join(args.cache, f"oos_{len(oos_names)}.npy")) if oos_names else None
    print(f"train {len(train_names)} photos, validation {len(val_names)}, out-of-source {len(oos_names)} (held out)", flush=True)

    bins_path = os.path.join(args.out, "bins.json")
    ckpt_path = os.path.join(args.out, "checkpoint.pt")
    if args.seed_checkpoint and not os.path.exists(ckpt_path):
        # A fresh machine continues the run from the checkpoint committed to the repo.
        seed = torch.load(args.seed_checkpoint)
        if "bins" in seed and not os.path.exists(bins_path):
            with open(bins_path, "w") as f:
                json.dump(seed["bins"], f)
        save_atomic(seed, ckpt_path)
        print(f"seeded from {args.seed_checkpoint}", flush=True)
    if args.arch in ("heirloom", "heirloom3"):
        if not os.path.exists(bins_path):
            # ab statistics from a sample of training photos at the network's output resolution
            sample = torch.from_numpy(store[:: max(1, len(store) // 1500)]).permute(0, 3, 1, 2).float() / 255
            ab = F.avg_pool2d(rgb_to_lab(sample)[:, 1:], 4)
            centres, prior, weights = build_bins(ab.permute(0, 2, 3, 1).reshape(-1, 2))
            with open(bins_path, "w") as f:
                json.dump({"centres": centres.tolist(), "prior": prior.tolist(), "weights": weights.tolist()}, f)
        with open(bins_path) as f:
            bins = json.load(f)
        centres = torch.tensor(bins["centres"])
        weights = torch.tensor(bins["weights"])
        if args.arch == "heirloom3":
            net = HeirloomNet3(len(centres))
            net.mnet = trunk_from_package(os.path.abspath(args.mobilenet_package), os.path.join(args.cache, "mobilenet_v2_nsfwjs_folded.npz"))
            if args.tune_trunk_from:
                net.tune_trunk_from(args.tune_trunk_from)
        else:
            net = HeirloomNet(len(centres))
        print(f"{len(centres)} ab bins", flush=True)
    else:
        net = BetaNet()
    trunk = [p for n, p in net.named_parameters() if p.requires_grad and n.startswith("mnet.")]
    own = [p for n, p in net.named_parameters() if p.requires_grad and not n.startswith("mnet.")]
    groups = [{"params": own, "lr_scale": 1.0}] + ([{"params": trunk, "lr_scale": args.trunk_lr_scale}] if trunk else [])
    opt = torch.optim.Adam(groups, lr=args.lr)

    state = {"step": 0, "cpu_seconds": 0.0}
    rng = random.Random(args.seed)
    if os.path.exists(ckpt_path):
        ck = torch.load(ckpt_path)
        net.load_state_dict(ck["model"], strict=args.arch != "heirloom3")  # v3 keeps no frozen trunk
        state = ck["state"]
        if ck.get("tune_trunk_from") == args.tune_trunk_from:
            opt.load_state_dict(ck["optim"])
        else:  # other trainable parameters: a new phase with a fresh optimiser and its own schedule
            state["phase_start"] = state["cpu_seconds"]
            print(f"new phase at {state['cpu_seconds'] / 60:.1f} CPU-min: trunk trains from {args.tune_trunk_from}", flush=True)
        rng.setstate(ck["rng"])
        torch.set_rng_state(ck["torch_rng"])
        print(f"resumed at step {state['step']}, {state['cpu_seconds'] / 60:.1f} CPU-min", flush=True)

    budget = args.cpu_minutes * 60
    log = open(os.path.join(args.out, "log.tsv"), "a")
    cpu0 = time.process_time() - state["cpu_seconds"]
    last_ckpt = time.time()
    val_rng = random.Random(1234)
    val_batch = random_batch(val_store, 48, val_rng, args.crop)
    oos_batch = random_batch(oos_store, 48, val_rng, args.crop) if oos_store is not None else None

    def cpu_used():
        return time.process_time() - cpu0

    def checkpoint(final=False):
        state["cpu_seconds"] = cpu_used()
        model_state = net.trainable_state() if args.arch == "heirloom3" else net.state_dict()
        save_atomic({"model": model_state, "optim": opt.state_dict(), "state": state,
                     "rng": rng.getstate(), "torch_rng": torch.get_rng_state(), "arch": args.arch,
                     "crop": args.crop, "hold_out_sources": args.hold_out_sources, "tune_trunk_from": args.tune_trunk_from,
                     **({"bins": bins} if args.arch != "beta" else {})}, ckpt_path)
        if args.snapshot_every > 0:
            # Weights only, one per --snapshot-every CPU-minutes, for the ΔE00-against-CPU-time curve.
            k = int(state["cpu_seconds"] / 60 // args.snapshot_every)
            snap = os.path.join(args.out, f"snapshot-{int(k * args.snapshot_every):04d}.pt")
            # Only near the mark: a run resumed on a fresh machine past 75 must not call its weights "75".
            near = state["cpu_seconds"] / 60 - k * args.snapshot_every < args.snapshot_every / 3
            if k > 0 and near and not os.path.exists(snap):
                save_atomic({"model": model_state, "state": dict(state), "arch": args.arch}, snap)
        v = validate()
        line = f"{state['step']}\t{state['cpu_seconds'] / 60:.2f}\t{state.get('loss', float('nan')):.4f}\t" + "\t".join(f"{k}={x:.4f}" for k, x in v.items())
        print(("final " if final else "ckpt ") + line, flush=True)
        log.write(line + "\n")
        log.flush()

    def predict_ab(x_lab, train=False):
        if args.arch != "beta":
            hints, mask = simulate_hints(x_lab[:, 1:], rng, args.hint_p_none, args.hint_uniform) if train else (torch.zeros_like(x_lab[:, 1:]), torch.zeros_like(x_lab[:, :1]))
            return net(network_input(x_lab, hints, mask))
        return net((x_lab[:, :1] - 50) / 50)

    @torch.no_grad()
    def validate_batch(batch, prefix):
        net.eval()
        lab = rgb_to_lab(batch)
        out = predict_ab(lab)
        if args.arch != "beta":
            ab = F.interpolate(annealed_mean(out, centres, 0.38), scale_factor=4, mode="bilinear", align_corners=False)
        else:
            ab = out * 128
        net.train()
        err = (ab - lab[:, 1:]).pow(2).sum(1).sqrt().mean().item()
        chroma_ratio = ab.pow(2).sum(1).sqrt().mean().item() / lab[:, 1:].pow(2).sum(1).sqrt().mean().item()
        return {f"{prefix}_ab_err": err, f"{prefix}_chroma_ratio": chroma_ratio, f"{prefix}_grey_ab_err": lab[:, 1:].pow(2).sum(1).sqrt().mean().item()}

    def validate():
        v = validate_batch(val_batch, "val")
        if oos_batch is not None:
            v.update(validate_batch(oos_batch, "oos"))
        return v

    net.train()
    t_start = time.time()
    while cpu_used() < budget:
        start = state.get("phase_start", 0.0)
        for g in opt.param_groups:
            g["lr"] = args.lr * warmup_cosine((cpu_used() - start) / (budget - start), 50) * g.get("lr_scale", 1.0)
        rgb = random_batch(store, args.batch, rng, args.crop)
        lab = rgb_to_lab(rgb)
        out = predict_ab(lab, train=True)
        if args.arch != "beta":
            ab_small = F.avg_pool2d(lab[:, 1:], 4)
            target, nearest = soft_encode(ab_small, centres)
            logp = F.log_softmax(out, dim=1)
            loss = (-(target * logp).sum(1) * weights[nearest]).mean()
        else:
            loss = F.mse_loss(out, lab[:, 1:] / 128)
        optimise(opt, loss, state)
        if state["step"] % 20 == 0:
            print(f"step {state['step']} loss {state['loss']:.4f} cpu {cpu_used() / 60:.1f}m wall {(time.time() - t_start) / 60:.1f}m", flush=True)
        if time.time() - last_ckpt > args.checkpoint_every:
            checkpoint()
            last_ckpt = time.time()
    checkpoint(final=True)


if __name__ == "__main__":
    main()
