"""Training pool loading, the deterministic validation split, and CIELAB maths (torch).

The split and the Lab formulas mirror src-main/core (split.ts, color/lab.ts) so that
the TypeScript evaluation and this training code agree on which photos are held out.
"""
import hashlib
import os

import numpy as np
import torch
from PIL import Image

STORE = 224  # side of the square stored per photo (resized short side, centre crop)


def is_validation(file_name: str) -> bool:
    """A photo is in the validation split when sha1(name) mod 10 == 0 (about 10 %)."""
    digest = hashlib.sha1(file_name.encode("utf-8")).hexdigest()
    return int(digest[:8], 16) % 10 == 0


# Whole sources never trained on, so the model is also judged on sources it has never seen
# (people in the street, indoor rooms, garments on phone photos). Mirrors src-main/core/eval/split.ts.
HELD_OUT_SOURCES = ("pedestrian", "indoorsample", "clothing")


def is_held_out_source(file_name: str) -> bool:
    return any(file_name.startswith(s + "_") for s in HELD_OUT_SOURCES)


def list_pool(pool_dir: str, hold_out_sources: bool = False):
    """(train, sha1 validation, out-of-source validation) file names. With hold_out_sources False
    (how v1 and v2 were trained) the held-out sources are trained on and the third list is empty."""
    names = sorted(n for n in os.listdir(pool_dir) if n.lower().endswith((".jpg", ".jpeg", ".png")))
    oos = [n for n in names if hold_out_sources and is_held_out_source(n)]
    held = set(oos)
    train = [n for n in names if not is_validation(n) and n not in held]
    val = [n for n in names if is_validation(n)]
    return train, val, oos


def _load_square(path: str, side: int) -> np.ndarray:
    with Image.open(path) as im:
        im = im.convert("RGB")
        w, h = im.size
        scale = side / min(w, h)
        nw, nh = max(side, round(w * scale)), max(side, round(h * scale))
        im = im.resize((nw, nh), Image.BICUBIC)
        left, top = (nw - side) // 2, (nh - side) // 2
        im = im.crop((left, top, left + side, top + side))
        return np.asarray(im, dtype=np.uint8)


def load_cached(pool_dir: str, names, cache_path: str, side: int = STORE) -> np.ndarray:
    """uint8 [N, side, side, 3] RGB, cached as .npy (outside the repo)."""
    if os.path.exists(cache_path):
        arr = np.load(cache_path, mmap_mode=None)
        if arr.shape[0] == len(names):
            return arr
    arr = np.stack([_load_square(os.path.join(pool_dir, n), side) for n in names])
    tmp = cache_path + ".tmp.npy"
    os.makedirs(os.path.dirname(cache_path), exist_ok=True)  # a fresh machine has no cache folder yet
    np.save(tmp, arr)
    os.replace(tmp, cache_path)
    return arr


# --- CIELAB (sRGB, D65) --------------------------------------------------------------
_M = torch.tensor([[0.4124564, 0.3575761, 0.1804375],
                   [0.2126729, 0.7151522, 0.0721750],
                   [0.0193339, 0.1191920, 0.9503041]])
_WHITE = torch.tensor([0.95047, 1.0, 1.08883])


def rgb_to_lab(rgb: torch.Tensor) -> torch.Tensor:
    """rgb in [0,1], shape [B,3,H,W] -> Lab [B,3,H,W]."""
    lin = torch.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    xyz = torch.einsum("ij,bjhw->bihw", _M, lin) / _WHITE.view(1, 3, 1, 1)
    eps, kappa = 216 / 24389, 24389 / 27
    f = torch.where(xyz > eps, xyz.clamp_min(1e-12) ** (1 / 3), (kappa * xyz + 16) / 116)
    L = 116 * f[:, 1] - 16
    a = 500 * (f[:, 0] - f[:, 1])
    b = 200 * (f[:, 1] - f[:, 2])
    return torch.stack([L, a, b], 1)


def lab_to_rgb(lab: torch.Tensor) -> torch.Tensor:
    L, a, b = lab[:, 0], lab[:, 1], lab[:, 2]
    fy = (L + 16) / 116
    fx = fy + a / 500
    fz = fy - b / 200
    eps, kappa = 216 / 24389, 24389 / 27
    def finv(f):
        return torch.where(f ** 3 > eps, f ** 3, (116 * f - 16) / kappa)
    xyz = torch.stack([finv(fx), torch.where(L > kappa * eps, fy ** 3, L / kappa), finv(fz)], 1)
    xyz = xyz * _WHITE.view(1, 3, 1, 1)
    lin = torch.einsum("ij,bjhw->bihw", torch.linalg.inv(_M), xyz).clamp(0, 1)
    return torch.where(lin <= 0.0031308, 12.92 * lin, 1.055 * lin ** (1 / 2.4) - 0.055)
