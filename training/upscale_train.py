#!/usr/bin/python3
"""Fine-tune the ESRGAN "slim" enlarger (npm @upscalerjs/esrgan-slim@1.0.0, MIT, trained by its authors on
clean DIV2K downscales) on scans: the low-resolution input is blurred, downscaled, grainy and JPEG'd, as
a small old print reaches a scanner (scripts/upscale-eval.ts measures the same kind of degradation on
held-out photos). Training photos only: the sha1 validation split is never seen.

    /usr/bin/python3 training/upscale_train.py --factor 4 --out runs/upscale-x4 --cpu-minutes 60
    /usr/bin/python3 training/upscale_train.py --factor 4 --out runs/upscale-x4 --export models/upscaler
    # grow a full-resolution refinement onto a trained run (a new phase, see with_refine):
    /usr/bin/python3 training/upscale_train.py --factor 4 --out runs/upscale-x4r --seed-checkpoint runs/upscale-x4/checkpoint.pt --refine 16

The network is rebuilt layer for layer from the package's model.json (Conv2D 'same', ReLU, Concatenate,
Add, nearest UpSampling2D), so the exported weights drop into the same topology and tfjs runs exactly
what PyTorch trained (test/unit/upscale-parity.test.ts checks the exported fixture). Resumable from
runs/<out>/checkpoint.pt; training/checkpoints/upscale-x<f>.pt is the committed copy.
"""
import argparse
import copy
import io
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
from PIL import Image, ImageFilter

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from heirloom_train.data import list_pool, load_cached  # noqa: E402
from heirloom_train.schedule import optimise, save_atomic, warmup_cosine  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


class KerasGraph(nn.Module):
    """A Keras functional model of Conv2D / Activation(relu) / Concatenate / Add / UpSampling2D layers."""

    def __init__(self, topology: dict):
        super().__init__()
        cfg = topology["model_config"]["config"]
        self.order = []  # (name, kind, inbound names, extra)
        self.convs = nn.ModuleDict()
        channels = {}
        for layer in cfg["layers"]:
            kind, name, c = layer["class_name"], layer["name"], layer["config"]
            inbound = [n[0] for n in layer["inbound_nodes"][0]] if layer["inbound_nodes"] else []
            if kind == "InputLayer":
                channels[name] = c["batch_input_shape"][-1]
            elif kind == "Conv2D":
                k = c["kernel_size"][0]
                # 'valid' only on 1x1 convs, where it is the same as 'same'
                if (c["padding"] != "same" and k != 1) or c["strides"] != [1, 1] or c["activation"] != "linear":
                    raise ValueError(f"unsupported Conv2D {name}")
                self.convs[name] = nn.Conv2d(channels[inbound[0]], c["filters"], k, padding=k // 2)
                channels[name] = c["filters"]
            elif kind == "Activation":
                if c["activation"] != "relu":
                    raise ValueError(f"unsupported activation {c['activation']}")
                channels[name] = channels[inbound[0]]
            elif kind == "Concatenate":
                channels[name] = sum(channels[i] for i in inbound)
            elif kind == "Add":
                channels[name] = channels[inbound[0]]
            elif kind == "UpSampling2D":
                if c["interpolation"] != "nearest":
                    raise ValueError("only nearest upsampling")
                channels[name] = channels[inbound[0]]
            else:
                raise ValueError(f"unsupported layer {kind}")
            self.order.append((name, kind, inbound, c))
        self.output_name = cfg["output_layers"][0][0]

    def forward(self, x):
        """x: [B,3,H,W] RGB in 0..255 -> [B,3,fH,fW] in 0..255 (not clipped)."""
        out = {}
        for name, kind, inbound, c in self.order:
            if kind == "InputLayer":
                out[name] = x
            elif kind == "Conv2D":
                out[name] = self.convs[name](out[inbound[0]])
            elif kind == "Activation":
                out[name] = F.relu(out[inbound[0]])
            elif kind == "Concatenate":
                out[name] = torch.cat([out[i] for i in inbound], 1)
            elif kind == "Add":
                out[name] = sum(out[i] for i in inbound)
            else:
                out[name] = F.interpolate(out[inbound[0]], scale_factor=tuple(c["size"]), mode="nearest")
        return out[self.output_name]


def with_refine(topology: dict, width: int) -> dict:
    """The topology with a small refinement at full (HR) resolution after its output: three 3×3 convs
    (width, width, 3 channels) added back onto the output. The package's ×4 network ends in a nearest
    ×4 upsampling and one 3×3 conv, so the inner 2×2 pixels of every 4×4 block see a single LR feature
    and come out equal; the refinement sees across blocks. Its last conv starts at zero, so the grown
    network first computes exactly what the one it grew from did."""
    topo = copy.deepcopy(topology)
    cfg = topo["model_config"]["config"]
    last = cfg["output_layers"][0][0]
    template = next(layer for layer in cfg["layers"] if layer["class_name"] == "Conv2D")["config"]

    def node(kind, name, inbound, **config):
        return {"class_name": kind, "name": name, "inbound_nodes": [[[i, 0, 0, {}] for i in inbound]],
                "config": {"name": name, "trainable": True, "dtype": "float32", **config}}

    def conv(name, inbound, filters):
        c = {k: v for k, v in template.items() if k not in ("name", "kernel_initializer")}
        c.update(filters=filters, kernel_size=[3, 3], padding="same", activation="linear",
                 kernel_initializer={"class_name": "GlorotUniform", "config": {"seed": None}})
        return node("Conv2D", name, [inbound], **c)

    cfg["layers"] += [conv("HR_R1", last, width), node("Activation", "HR_R1_Relu", ["HR_R1"], activation="relu"),
                      conv("HR_R2", "HR_R1_Relu", width), node("Activation", "HR_R2_Relu", ["HR_R2"], activation="relu"),
                      conv("HR_R3", "HR_R2_Relu", 3), node("Add", "HR_Out", [last, "HR_R3"])]
    cfg["output_layers"] = [["HR_Out", 0, 0]]
    return topo


@torch.no_grad()
def grow_onto(net: KerasGraph, old: dict):
    """Load a network's state into `net`, the same network with a refinement grown on, so that it
    computes the same: the layers it had are copied, the refinement's last conv starts at zero."""
    own = net.state_dict()
    own["convs.HR_R3.weight"].zero_()
    own["convs.HR_R3.bias"].zero_()
    own.update(old)
    net.load_state_dict(own)


def read_package(model_dir: str):
    """(model.json, {weight name: float32 array in Keras layout}) from a package's models/x<f> folder."""
    meta = json.load(open(os.path.join(model_dir, "model.json")))
    raw = b"".join(open(os.path.join(model_dir, p), "rb").read() for g in meta["weightsManifest"] for p in g["paths"])
    weights, offset = {}, 0
    for g in meta["weightsManifest"]:
        for spec in g["weights"]:
            if spec["dtype"] != "float32" or spec.get("quantization"):
                raise ValueError(f"unexpected encoding of {spec['name']}")
            n = int(np.prod(spec["shape"]))
            weights[spec["name"]] = np.frombuffer(raw, dtype="<f4", count=n, offset=offset).reshape(spec["shape"])
            offset += 4 * n
    return meta, weights


def load_keras_weights(net: KerasGraph, weights: dict):
    with torch.no_grad():
        for name, conv in net.convs.items():
            if f"{name}/kernel" not in weights:
                continue  # a layer grown here (with_refine): it has no starting weights
            conv.weight.copy_(torch.from_numpy(weights[f"{name}/kernel"].transpose(3, 2, 0, 1).copy()))
            conv.bias.copy_(torch.from_numpy(weights[f"{name}/bias"].copy()))


def keras_weights(net: KerasGraph) -> dict:
    return {**{f"{n}/kernel": c.weight.detach().permute(2, 3, 1, 0).contiguous().numpy() for n, c in net.convs.items()},
            **{f"{n}/bias": c.bias.detach().contiguous().numpy() for n, c in net.convs.items()}}


def scan_of(hr: np.ndarray, factor: int, rng: random.Random) -> np.ndarray:
    """A scan of a clean HR crop (uint8 HxWx3): blur, downscale, grain, JPEG; drawn a little wider than
    scripts/upscale-eval.ts's (blur σ 0.6–1.0, grain σ 2–4, q 75), so it holds for other scanners too."""
    h, w = hr.shape[:2]
    img = Image.fromarray(hr).filter(ImageFilter.GaussianBlur(0.4 + 0.8 * rng.random()))
    small = np.asarray(img.resize((w // factor, h // factor), Image.LANCZOS)).astype(np.float32)
    noise = 1 + 4 * rng.random()
    nrng = np.random.default_rng(rng.randrange(2**31))
    g = nrng.normal(0, noise, small.shape[:2])[..., None] + nrng.normal(0, noise / 3, small.shape)
    small = np.clip(np.round(small + g), 0, 255).astype(np.uint8)
    buf = io.BytesIO()
    Image.fromarray(small).save(buf, "JPEG", quality=rng.randint(60, 90))
    return np.asarray(Image.open(io.BytesIO(buf.getvalue())).convert("RGB"))


def batch(store, idx, crop, factor, rng):
    hrs, lrs = [], []
    for i in idx:
        y, x = rng.randrange(store.shape[1] - crop + 1), rng.randrange(store.shape[2] - crop + 1)
        hr = store[i, y:y + crop, x:x + crop]
        if rng.random() < 0.5:
            hr = hr[:, ::-1]
        hr = np.ascontiguousarray(hr)
        hrs.append(hr)
        lrs.append(scan_of(hr, factor, rng))
    t = lambda a: torch.from_numpy(np.stack(a)).permute(0, 3, 1, 2).float()  # noqa: E731
    return t(lrs), t(hrs)


def y_psnr(a, b, border):
    """PSNR on BT.601 luma of 0..255 RGB tensors, as scripts/upscale-eval.ts measures (output rounded)."""
    wts = torch.tensor([0.299, 0.587, 0.114])[None, :, None, None]
    ya = (a.round().clamp(0, 255) * wts).sum(1)[:, border:-border, border:-border]
    yb = (b * wts).sum(1)[:, border:-border, border:-border]
    mse = (ya - yb).pow(2).mean(dim=(1, 2))
    return (10 * torch.log10(255**2 / mse.clamp_min(1e-6))).mean().item()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--factor", type=int, choices=[2, 4], default=4)
    p.add_argument("--package", default=os.path.join(HERE, "..", "node_modules", "@upscalerjs", "esrgan-slim"))
    p.add_argument("--pool", default=os.path.join(HERE, "..", "..", "shared", "datasets", "photos"))
    p.add_argument("--cache", default=os.path.expanduser("~/.cache/heirloom"))
    p.add_argument("--out", required=True)
    p.add_argument("--seed-checkpoint", default=None)
    p.add_argument("--cpu-minutes", type=float, default=60)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--batch", type=int, default=16)
    p.add_argument("--crop", type=int, default=128, help="HR crop side (a multiple of the factor)")
    p.add_argument("--lr", type=float, default=1e-4)
    p.add_argument("--save-every", type=float, default=240, help="wall seconds")
    p.add_argument("--export", default=None, help="write the run's weights as a tfjs model folder here and stop")
    p.add_argument("--model-version", default=None, help="with --export: the version upscaler.json records (default: unchanged)")
    p.add_argument("--refine", type=int, default=0,
                   help="grow a full-resolution refinement of this width onto the network (with_refine); "
                        "a new phase: the schedule restarts, the seed checkpoint's weights are kept")
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    pkg = json.load(open(os.path.join(args.package, "package.json")))
    model_dir = os.path.join(args.package, "models", f"x{args.factor}")
    meta, start_weights = read_package(model_dir)
    os.makedirs(args.out, exist_ok=True)
    ckpt = os.path.join(args.out, "checkpoint.pt")
    if args.seed_checkpoint and not os.path.exists(ckpt):
        shutil.copyfile(args.seed_checkpoint, ckpt)
    ck = torch.load(ckpt) if os.path.exists(ckpt) else None
    refine = ck["state"].get("refine", 0) if ck else 0
    grow = bool(args.refine) and not refine
    if grow:
        refine = args.refine
    topology = with_refine(meta["modelTopology"], refine) if refine else meta["modelTopology"]
    net = KerasGraph(topology)
    load_keras_weights(net, start_weights)
    opt = torch.optim.Adam(net.parameters(), lr=args.lr)
    state = {"step": 0, "cpu_seconds": 0.0, "refine": refine}
    rng = random.Random(1)
    if ck and grow:
        grow_onto(net, ck["model"])
        before = ck["state"].get("grown_from", {"steps": 0, "cpu_minutes": 0.0})
        state["grown_from"] = {"steps": before["steps"] + ck["state"]["step"],
                               "cpu_minutes": round(before["cpu_minutes"] + ck["state"]["cpu_seconds"] / 60, 1)}
        print(f"grew a width-{refine} refinement onto step {ck['state']['step']}; a new schedule starts", flush=True)
    elif ck:
        net.load_state_dict(ck["model"])
        opt.load_state_dict(ck["optim"])
        state = ck["state"]
        rng.setstate(ck["rng"])
        print(f"resumed at step {state['step']}, {state['cpu_seconds'] / 60:.1f} CPU-min", flush=True)

    if args.export:
        export(net, meta, topology, args, pkg, state)
        return

    pool = os.path.abspath(args.pool)
    train_names, _val, _oos = list_pool(pool, True)  # the colorizer's held-out sources stay unseen too
    store = load_cached(pool, train_names, os.path.join(args.cache, f"train_{len(train_names)}.npy"))
    # The last 64 training photos are held back to watch the training (the validation split stays unseen).
    n_train = len(store) - 64
    mon_rng = random.Random(99)
    mon_lr, mon_hr = batch(store, range(n_train, len(store)), args.crop, args.factor, mon_rng)
    bicubic = F.interpolate(mon_lr, scale_factor=args.factor, mode="bicubic", align_corners=False)
    print(f"{n_train} training photos; watch set: bicubic {y_psnr(bicubic, mon_hr, args.factor):.2f} dB Y-PSNR", flush=True)
    log = open(os.path.join(args.out, "log.tsv"), "a")
    cpu0 = time.process_time() - state["cpu_seconds"]
    budget = args.cpu_minutes * 60
    last = time.time()

    def save():
        state["cpu_seconds"] = time.process_time() - cpu0
        with torch.no_grad():
            net.eval()
            score = y_psnr(net(mon_lr), mon_hr, args.factor)
            net.train()
        state["watch_psnr"] = score
        save_atomic({"model": net.state_dict(), "optim": opt.state_dict(), "state": state, "rng": rng.getstate(),
                     "factor": args.factor, "package": f"{pkg['name']}@{pkg['version']}"}, ckpt)
        line = f"{state['step']}\t{state['cpu_seconds'] / 60:.2f}\t{state.get('loss', float('nan')):.4f}\twatch_y_psnr={score:.3f}"
        print("ckpt " + line, flush=True)
        log.write(line + "\n")
        log.flush()

    if state["step"] == 0:
        save()  # the package's own weights, as the first point of the log
    while time.process_time() - cpu0 < budget:
        frac = (time.process_time() - cpu0) / budget
        for g in opt.param_groups:
            g["lr"] = args.lr * warmup_cosine(frac, 40)
        lr_img, hr_img = batch(store, [rng.randrange(n_train) for _ in range(args.batch)], args.crop, args.factor, rng)
        loss = F.l1_loss(net(lr_img), hr_img) / 255
        optimise(opt, loss, state)
        if state["step"] % 25 == 0:
            print(f"step {state['step']} loss {state['loss']:.4f} cpu {(time.process_time() - cpu0) / 60:.1f}m", flush=True)
        if time.time() - last > args.save_every:
            save()
            last = time.time()
    save()


def export(net, meta, topology, args, pkg, state):
    """models/upscaler/x<f>/: the package's topology with the tuned weights, a parity fixture, and
    upscaler.json (what the catalogue records, and where the weights came from)."""
    out_dir = os.path.join(args.export, f"x{args.factor}")
    os.makedirs(out_dir, exist_ok=True)
    w = keras_weights(net)
    specs = [{"name": n, "shape": list(a.shape), "dtype": "float32"} for n, a in w.items()]
    with open(os.path.join(out_dir, "weights.bin"), "wb") as f:
        for s in specs:
            f.write(w[s["name"]].astype("<f4").tobytes())
    model = {"format": meta.get("format", "layers-model"), "generatedBy": meta.get("generatedBy"),
             "convertedBy": "training/upscale_train.py", "modelTopology": topology,
             "weightsManifest": [{"paths": ["weights.bin"], "weights": specs}]}
    json.dump(model, open(os.path.join(out_dir, "model.json"), "w"))
    # Parity fixture: a seeded 20 x 28 RGB input in 0..255 and PyTorch's output on it (NHWC float32).
    g = torch.Generator().manual_seed(5)
    x = torch.rand(1, 3, 20, 28, generator=g) * 255
    with torch.no_grad():
        net.eval()
        y = net(x)
    os.makedirs(os.path.join(out_dir, "parity"), exist_ok=True)  # not packaged (electron-builder.yml)
    x.permute(0, 2, 3, 1).contiguous().numpy().astype("<f4").tofile(os.path.join(out_dir, "parity", "input.bin"))
    y.permute(0, 2, 3, 1).contiguous().numpy().astype("<f4").tofile(os.path.join(out_dir, "parity", "output.bin"))
    # MIT asks for the starting weights' copyright notice to travel with them.
    shutil.copyfile(os.path.join(args.package, "LICENSE"), os.path.join(args.export, "LICENSE-esrgan-slim.txt"))
    manifest_path = os.path.join(args.export, "upscaler.json")
    manifest = json.load(open(manifest_path)) if os.path.exists(manifest_path) else {}
    version = args.model_version or manifest.get("version", "1.0.0")
    manifest.update({"name": "esrgan-slim-scans", "version": version, "startedFrom": f"{pkg['name']}@{pkg['version']}",
                     "licence": "MIT (the starting weights' licence; the fine-tune is Heirloom's, MIT)"})
    manifest.setdefault("factors", {})[f"x{args.factor}"] = {
        "trainedSteps": state["step"] + state.get("grown_from", {}).get("steps", 0),
        "cpuMinutes": round(state["cpu_seconds"] / 60 + state.get("grown_from", {}).get("cpu_minutes", 0), 1),
        "refineWidth": state.get("refine", 0),
        "parity": {"inputShape": [1, 20, 28, 3], "outputShape": list(y.permute(0, 2, 3, 1).shape)}}
    json.dump(manifest, open(manifest_path, "w"), indent=2)
    print(f"exported x{args.factor} (step {state['step']}) to {out_dir}")


if __name__ == "__main__":
    main()
