#!/usr/bin/python3
"""Hand-checked damage masks for the real damaged photos in ../shared/datasets/real-damage/.

A mask marks (255) the pixels whose picture content is destroyed and must be filled by the repair:
cracks, scratches, crease lines, dust, spots, foxing specks, emulsion flakes, tears and missing
pieces. Tone problems (stains, tarnish halos, fading) and real picture structure stay 0.

Each mask is made in two steps:
  1. a *candidate* from a classical detector on lightness: white and black top-hats at a few
     structuring sizes relative to the photo's short side, thresholded (with hysteresis) against
     the local texture level of the top-hat itself, connected components filtered by size/shape;
  2. the per-photo *stroke file* training/real-masks/strokes/<stem>.json, applied in order:
       {"params": {...candidate overrides, see DEFAULTS...},
        "strokes": [
          {"op": "add"|"erase", "kind": "line", "points": [[x, y], ...], "width": px},
          {"op": "add"|"erase", "kind": "polygon", "points": [[x, y], ...]},
          {"op": "add"|"erase", "kind": "circle", "center": [x, y], "r": px},
          {"op": "add"|"erase", "kind": "rect", "box": [x0, y0, x1, y1]},
          {"op": "add"|"erase", "kind": "threshold-region", "box": [...] or "polygon": [...],
               "above": L and/or "below": L, "sigma": blur, "open": px (only areas this wide),
               "grow": px, "min_area": px},
          {"op": "add"|"erase", "kind": "tophat-region", "box"/"polygon": ..., "polarity": "bright"|"dark",
               "size": px, "above": top-hat L, "L_above"/"L_below": L, "min_area": px, "min_len": px (bbox diagonal),
               "hline": px (skip horizontal lines this long),
               "grow": px},
          {"op": "add", "kind": "checkerboard", "win": px, "std_above": L, "min_above": L, "grow": px},
          {"op": "add"|"erase", "kind": "flood", "seed": [x, y], "tol": L, "box": [...]},
          {"op": "replace", "kind": "candidate", "box": [...], "params": {...}}
        ]}
     Coordinates are full-resolution pixels (x right, y down); L is grey lightness 0..255.
     "add" ORs the shape into the mask, "erase" clears it, "keep" clears everything outside it, "replace"/"candidate" recomputes the
     candidate with other parameters inside a box.
The masks were checked by eye as overlays (--overlay, --crop) and the strokes corrected until right.

    /usr/bin/python3 training/real_masks.py --all                  # rebuild every mask with a stroke file
    /usr/bin/python3 training/real_masks.py auroraka-scratchdet_3 --overlay
    /usr/bin/python3 training/real_masks.py auroraka-scratchdet_3 --crop 100,200,400,500
    /usr/bin/python3 training/real_masks.py --stats                # table + training/real-masks/stats.json

The photos are never copied into the repository; overlays go to /tmp/realmask-overlays/ only.
"""
import argparse
import glob
import json
import os
import sys

import numpy as np
from PIL import Image, ImageDraw
from scipy import ndimage as ndi

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
DATA = os.path.normpath(os.path.join(REPO, "..", "shared", "datasets", "real-damage"))
OUT = os.path.join(HERE, "real-masks")
STROKES = os.path.join(OUT, "strokes")
OVERLAYS = "/tmp/realmask-overlays"

DEFAULTS = {
    "work_max": 1600,      # candidate computed on a copy whose long side is at most this, then upsampled
    "smooth": 0.7,         # Gaussian sigma (work px) on lightness before the top-hats (JPEG / grain)
    "scales": [0.006, 0.012, 0.024],  # structuring sizes as a fraction of the short side
    "polarity": "both",    # "bright", "dark" or "both"
    "k_hi": 5.0,           # seed threshold: top-hat > k_hi * local texture level
    "k_lo": 3.0,           # grow threshold (hysteresis)
    "abs_hi": 18.0,        # and never below these absolute L differences
    "abs_lo": 10.0,
    "texture_block": 0.06,  # block size (fraction of short side) for the local texture level
    "texture_pct": 70,     # percentile of the top-hat within a block that is "texture"
    "min_px": 3,           # drop components smaller than this many work pixels
    "spot_max": 0.003,     # components up to this share are kept as spots whatever their shape
    "min_elong": 6.0,      # larger ones must be line-like: bbox diagonal^2 / area >= this
    "grow": 1,             # final dilation in full-resolution px (cover the soft edge)
    "enabled": True,       # false: candidate is empty, the mask is strokes only
}


def stems():
    files = sorted(f for f in os.listdir(DATA) if f.lower().endswith((".png", ".jpg", ".jpeg")))
    return {os.path.splitext(f)[0]: f for f in files}


def load(stem):
    """RGB uint8 array of the photo at its decoded size (RGBA composited on white if transparent)."""
    im = Image.open(os.path.join(DATA, stems()[stem]))
    if im.mode in ("RGBA", "LA", "P"):
        im = im.convert("RGBA")
        bg = Image.new("RGBA", im.size, (255, 255, 255, 255))
        im = Image.alpha_composite(bg, im)
    return np.asarray(im.convert("RGB"))


def lightness(rgb):
    return rgb[..., :3].astype(np.float32) @ np.array([0.299, 0.587, 0.114], np.float32)


def block_percentile(a, block, pct):
    """Per-block percentile of a, bilinearly upsampled back to a's shape: a robust local level."""
    h, w = a.shape
    b = max(8, int(block))
    H, W = -(-h // b), -(-w // b)
    pad = np.pad(a, ((0, H * b - h), (0, W * b - w)), mode="reflect")
    blocks = pad.reshape(H, b, W, b).transpose(0, 2, 1, 3).reshape(H, W, b * b)
    lev = np.percentile(blocks, pct, axis=2).astype(np.float32)
    lev = ndi.uniform_filter(lev, 3, mode="nearest")  # smooth between neighbouring blocks
    up = ndi.zoom(lev, (H * b / H, W * b / W), order=1, mode="nearest")
    return up[:h, :w]


def candidate(L, p):
    """Classical candidate on full-resolution lightness L with parameters p; returns bool mask."""
    h, w = L.shape
    if not p["enabled"]:
        return np.zeros((h, w), bool)
    f = min(1.0, p["work_max"] / max(h, w))
    Lw = ndi.zoom(L, f, order=1) if f < 1 else L
    Lw = ndi.gaussian_filter(Lw, p["smooth"]) if p["smooth"] > 0 else Lw
    short = min(Lw.shape)
    sizes = sorted({max(3, int(round(s * short)) | 1) for s in p["scales"]})
    bright = np.zeros_like(Lw)
    dark = np.zeros_like(Lw)
    for s in sizes:
        if p["polarity"] in ("both", "bright"):
            bright = np.maximum(bright, Lw - ndi.grey_opening(Lw, size=(s, s)))
        if p["polarity"] in ("both", "dark"):
            dark = np.maximum(dark, ndi.grey_closing(Lw, size=(s, s)) - Lw)
    block = p["texture_block"] * short
    keep = np.zeros(Lw.shape, bool)
    for th in (bright, dark):
        if not th.any():
            continue
        tex = block_percentile(th, block, p["texture_pct"]) + 1.0
        hi = th > np.maximum(p["abs_hi"], p["k_hi"] * tex)
        lo = th > np.maximum(p["abs_lo"], p["k_lo"] * tex)
        lab, n = ndi.label(lo, np.ones((3, 3)))
        seeded = np.zeros(n + 1, bool)
        seeded[np.unique(lab[hi])] = True
        seeded[0] = False
        keep |= seeded[lab]
    # shape/size filter on connected components
    lab, n = ndi.label(keep, np.ones((3, 3)))
    if n:
        area_px = Lw.size
        objs = ndi.find_objects(lab)
        areas = np.bincount(lab.ravel(), minlength=n + 1)
        ok = np.zeros(n + 1, bool)
        for i, sl in enumerate(objs, 1):
            a = areas[i]
            if a < p["min_px"]:
                continue
            if a <= p["spot_max"] * area_px:
                ok[i] = True
                continue
            dy, dx = sl[0].stop - sl[0].start, sl[1].stop - sl[1].start
            ok[i] = (dy * dy + dx * dx) / a >= p["min_elong"]
        keep = ok[lab]
    if f < 1:
        keep = ndi.zoom(keep.astype(np.float32), (h / keep.shape[0], w / keep.shape[1]), order=1) > 0.5
        keep = keep[:h, :w]
        if keep.shape != (h, w):
            keep = np.pad(keep, ((0, h - keep.shape[0]), (0, w - keep.shape[1])))
    if p["grow"] > 0:
        keep = ndi.binary_dilation(keep, iterations=int(p["grow"]))
    return keep


def shape_mask(shape, s):
    """Rasterise one stroke's geometry (line / polygon / circle / rect) to a bool array."""
    h, w = shape
    im = Image.new("L", (w, h), 0)
    d = ImageDraw.Draw(im)
    k = s["kind"]
    if k == "line":
        pts = [tuple(map(float, q)) for q in s["points"]]
        wd = max(1, int(round(s.get("width", 3))))
        if len(pts) > 1:
            d.line(pts, fill=255, width=wd, joint="curve")
        for x, y in pts:  # round caps
            r = wd / 2
            d.ellipse([x - r, y - r, x + r, y + r], fill=255)
    elif k == "polygon":
        d.polygon([tuple(map(float, q)) for q in s["points"]], fill=255)
    elif k == "circle":
        (x, y), r = s["center"], s["r"]
        d.ellipse([x - r, y - r, x + r, y + r], fill=255)
    elif k == "rect":
        x0, y0, x1, y1 = s["box"]
        d.rectangle([x0, y0, x1, y1], fill=255)
    else:
        raise ValueError(f"unknown shape kind {k}")
    return np.asarray(im) > 0


def region(shape, s):
    """The area a region op is restricted to: "box" and/or "polygon" (default: whole image)."""
    r = np.ones(shape, bool)
    if "box" in s:
        r &= shape_mask(shape, {"kind": "rect", "box": s["box"]})
    if "polygon" in s:
        r &= shape_mask(shape, {"kind": "polygon", "points": s["polygon"]})
    return r


def apply_strokes(mask, L, rgb, params, strokes):
    for s in strokes:
        op, k = s.get("op", "add"), s["kind"]
        if k == "threshold-region":
            Ls = ndi.gaussian_filter(L, s["sigma"]) if s.get("sigma") else L
            if s.get("open"):  # only areas at least this wide: grey opening (above) / closing (below)
                z = int(s["open"])
                Ls = ndi.grey_opening(Ls, size=(z, z)) if "above" in s else ndi.grey_closing(Ls, size=(z, z))
            sel = region(L.shape, s)
            if "above" in s:
                sel &= Ls > s["above"]
            if "below" in s:
                sel &= Ls < s["below"]
            if s.get("min_area"):
                lab, n = ndi.label(sel)
                areas = np.bincount(lab.ravel())
                areas[0] = 0
                sel = (areas >= s["min_area"])[lab]
            if s.get("grow"):
                sel = ndi.binary_dilation(sel, iterations=int(s["grow"])) & region(L.shape, s)
        elif k == "tophat-region":
            # plain top-hat threshold inside a region: "polarity", "size" px, "above" (top-hat in L),
            # optionally also "L_above"/"L_below" on the lightness itself
            Ls = ndi.gaussian_filter(L, s["sigma"]) if s.get("sigma") else L
            z = int(s.get("size", 7))
            th = (Ls - ndi.grey_opening(Ls, size=(z, z)) if s.get("polarity", "bright") == "bright"
                  else ndi.grey_closing(Ls, size=(z, z)) - Ls)
            if s.get("hline"):  # ignore horizontal lines at least this long (e.g. plate buffing lines)
                hl = (1, int(s["hline"]))
                th = np.minimum(th, Ls - ndi.grey_opening(Ls, size=hl) if s.get("polarity", "bright") == "bright"
                                else ndi.grey_closing(Ls, size=hl) - Ls)
            sel = (th > s["above"]) & region(L.shape, s)
            if "L_above" in s:
                sel &= Ls > s["L_above"]
            if "L_below" in s:
                sel &= Ls < s["L_below"]
            if s.get("min_area"):  # drop (8-connected) components smaller than this many px
                lab, n = ndi.label(sel, np.ones((3, 3)))
                areas = np.bincount(lab.ravel())
                areas[0] = 0
                sel = (areas >= s["min_area"])[lab]
            if s.get("min_len"):  # keep only components whose bounding-box diagonal is this long (long scratches)
                lab, n = ndi.label(sel, np.ones((3, 3)))
                ok = np.zeros(n + 1, bool)
                for i, sl in enumerate(ndi.find_objects(lab), 1):
                    dy, dx = sl[0].stop - sl[0].start, sl[1].stop - sl[1].start
                    ok[i] = dy * dy + dx * dx >= s["min_len"] ** 2
                sel = ok[lab]
            if s.get("grow"):
                sel = ndi.binary_dilation(sel, iterations=int(s["grow"]))
        elif k == "checkerboard":
            # a baked transparency checkerboard: bright, and strongly textured, in every window
            z = int(s.get("win", 7))
            mean = ndi.uniform_filter(L, z)
            std = np.sqrt(np.maximum(ndi.uniform_filter(L * L, z) - mean * mean, 0))
            sel = (std > s.get("std_above", 15)) & (ndi.grey_erosion(L, size=(z, z)) > s.get("min_above", 180))
            sel = ndi.binary_closing(sel, iterations=2) & region(L.shape, s)
            if s.get("grow"):
                sel = ndi.binary_dilation(sel, iterations=int(s["grow"]))
        elif k == "flood":
            x, y = s["seed"]
            Ls = ndi.gaussian_filter(L, s.get("sigma", 1.0))
            sel = np.abs(Ls - Ls[int(y), int(x)]) <= s["tol"]
            sel &= region(L.shape, s)
            lab, _ = ndi.label(sel)
            sel = lab == lab[int(y), int(x)] if lab[int(y), int(x)] else np.zeros_like(sel)
            if s.get("grow"):
                sel = ndi.binary_dilation(sel, iterations=int(s["grow"]))
        elif k == "candidate":
            p = dict(params)
            p.update(s.get("params", {}))
            sel = candidate(L, p) & region(L.shape, s)
            if op == "replace":
                mask &= ~region(L.shape, s)
                op = "add"
        else:
            sel = shape_mask(L.shape, s)
        if op == "add":
            mask |= sel
        elif op == "erase":
            mask &= ~sel
        elif op == "keep":  # clear everything outside the shape (e.g. the mount beyond the print)
            mask &= sel
        else:
            raise ValueError(f"unknown op {op}")
    return mask


def read_strokes(stem):
    path = os.path.join(STROKES, stem + ".json")
    if not os.path.exists(path):
        return None
    with open(path) as fh:
        return json.load(fh)


def build(stem, extra=None):
    cfg = read_strokes(stem) or {}
    p = dict(DEFAULTS)
    p.update(cfg.get("params", {}))
    p.update(extra or {})
    rgb = load(stem)
    L = lightness(rgb)
    mask = candidate(L, p)
    mask = apply_strokes(mask, L, rgb, p, cfg.get("strokes", []))
    return rgb, L, mask


def save_mask(stem, mask):
    os.makedirs(OUT, exist_ok=True)
    Image.fromarray((mask * 255).astype(np.uint8), "L").save(os.path.join(OUT, stem + ".png"), optimize=True)


def overlay(rgb, mask, crop=None, scale_to=1400, zoom=1):
    """Mask tinted red beside the plain photo, for looking; written to /tmp only."""
    if crop:
        x0, y0, x1, y1 = crop
        rgb, mask = rgb[y0:y1, x0:x1], mask[y0:y1, x0:x1]
    tint = rgb.astype(np.float32).copy()
    tint[mask] = tint[mask] * 0.35 + np.array([255, 0, 0], np.float32) * 0.65
    pair = np.concatenate([tint.astype(np.uint8), np.full((rgb.shape[0], 6, 3), 255, np.uint8), rgb], 1)
    im = Image.fromarray(pair)
    if zoom != 1:
        im = im.resize((im.width * zoom, im.height * zoom), Image.NEAREST)
    if im.width > scale_to:
        im = im.resize((scale_to, max(1, round(im.height * scale_to / im.width))), Image.LANCZOS)
    return im


def structure_stats(L, mask):
    """Share, width (2 x distance on the mask's ridge ~ skeleton) and contrast of the marked damage."""
    h, w = mask.shape
    out = {"share": float(mask.mean()), "short_side": int(min(h, w))}
    if not mask.any():
        return out
    dt = ndi.distance_transform_edt(mask)
    ridge = mask & (dt >= ndi.maximum_filter(dt, size=3))  # local maxima of the distance: medial axis
    widths = 2 * dt[ridge]
    out["width_median_px"] = float(np.median(widths))
    out["width_p90_px"] = float(np.percentile(widths, 90))
    out["width_median_rel"] = out["width_median_px"] / min(h, w)
    # local background: mask-excluded normalised blur of lightness, sigma a few widths
    sig = max(3.0, 2 * out["width_p90_px"])
    m = (~mask).astype(np.float32)
    bg = ndi.gaussian_filter(L * m, sig) / np.maximum(ndi.gaussian_filter(m, sig), 1e-3)
    diff = (L - bg)[mask]
    out["contrast_median"] = float(np.median(np.abs(diff)))
    out["bright_share"] = float((diff > 0).mean())
    lab, n = ndi.label(mask, np.ones((3, 3)))
    out["components"] = int(n)
    return out


def source_of(stem):
    return stem.split("_", 1)[0]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("stems", nargs="*", help="photo stems (file name without extension)")
    ap.add_argument("--all", action="store_true", help="every photo that has a stroke file")
    ap.add_argument("--overlay", action="store_true", help="write /tmp/realmask-overlays/<stem>.png")
    ap.add_argument("--crop", help="x0,y0,x1,y1: full-resolution overlay crop to /tmp/realmask-overlays/<stem>-crop.png")
    ap.add_argument("--zoom", type=int, default=1, help="nearest-neighbour zoom of the crop overlay")
    ap.add_argument("--set", action="append", default=[], help="key=json: try a parameter without editing the stroke file (mask not saved)")
    ap.add_argument("--stats", action="store_true", help="print per-photo/per-source statistics, write stats.json")
    ap.add_argument("--split", action="store_true", help="write split.json from the stroke files marked \"checked\"")
    a = ap.parse_args()

    have = sorted(os.path.splitext(os.path.basename(f))[0] for f in glob.glob(os.path.join(STROKES, "*.json")))
    todo = have if a.all else a.stems
    if a.stats and not todo:
        todo = []
    for stem in todo:
        extra = {k: json.loads(v) for k, v in (kv.split("=", 1) for kv in a.set)}
        rgb, L, mask = build(stem, extra)
        if not extra:
            save_mask(stem, mask)
        msg = f"{stem}: {rgb.shape[1]}x{rgb.shape[0]} mask {100 * mask.mean():.2f}%"
        if a.overlay or a.crop:
            os.makedirs(OVERLAYS, exist_ok=True)
        if a.overlay:
            overlay(rgb, mask).save(os.path.join(OVERLAYS, stem + ".png"))
        if a.crop:
            box = [int(v) for v in a.crop.split(",")]
            overlay(rgb, mask, crop=box, zoom=a.zoom).save(os.path.join(OVERLAYS, stem + "-crop.png"))
        print(msg, flush=True)

    if a.split:
        names = stems()
        done = [names[st] for st in have if (read_strokes(st) or {}).get("checked")]
        split = {"tune": sorted(f for f in done if f.startswith("sushmapyakurel-irdls_")),
                 "report": sorted(f for f in done if not f.startswith("sushmapyakurel-irdls_")),
                 "rule": "split by source: every sushmapyakurel-irdls_* photo is tune (thresholds, synthetic"
                         " damage statistics, training); auroraka-scratchdet_*, maysalsalum-opr_* and"
                         " dip2025-dustscratch_* are report only (never tuned or trained on)"}
        with open(os.path.join(OUT, "split.json"), "w") as fh:
            json.dump(split, fh, indent=1)
            fh.write("\n")
        print(f"split.json: {len(split['tune'])} tune, {len(split['report'])} report")

    if a.stats:
        names = stems()
        rows = {}
        for stem in sorted(os.path.splitext(os.path.basename(f))[0] for f in glob.glob(os.path.join(OUT, "*.png"))):
            if stem not in names:
                continue
            mask = np.asarray(Image.open(os.path.join(OUT, stem + ".png"))) > 127
            rows[names[stem]] = structure_stats(lightness(load(stem)), mask)
        per_source = {}
        for f, r in rows.items():
            per_source.setdefault(source_of(f), []).append(r)
        summary = {}
        keys = ["share", "width_median_px", "width_p90_px", "width_median_rel", "contrast_median", "bright_share"]
        for src, rs in sorted(per_source.items()):
            summary[src] = {"n": len(rs)}
            for k in keys:
                v = [r[k] for r in rs if k in r]
                if v:
                    summary[src][k] = float(np.median(v))
        hdr = f"{'photo':44s} {'share%':>7s} {'w_med':>6s} {'w_p90':>6s} {'w/short':>8s} {'contr':>6s} {'bright':>6s}"
        print(hdr)
        for f, r in rows.items():
            print(f"{f:44s} {100 * r['share']:7.2f} {r.get('width_median_px', 0):6.1f} {r.get('width_p90_px', 0):6.1f}"
                  f" {r.get('width_median_rel', 0):8.4f} {r.get('contrast_median', 0):6.1f} {r.get('bright_share', 0):6.2f}")
        print("per source (medians over photos):")
        for src, s in summary.items():
            print(f"{src + ' (n=' + str(s['n']) + ')':44s} {100 * s['share']:7.2f} {s.get('width_median_px', 0):6.1f}"
                  f" {s.get('width_p90_px', 0):6.1f} {s.get('width_median_rel', 0):8.4f} {s.get('contrast_median', 0):6.1f}"
                  f" {s.get('bright_share', 0):6.2f}")
        with open(os.path.join(OUT, "stats.json"), "w") as fh:
            json.dump({"per_photo": rows, "per_source": summary,
                       "notes": "width = 2 x distance transform on the mask ridge (px, and relative to the short side);"
                                " contrast = median |L - local background| of masked pixels (L 0..255 grey);"
                                " bright_share = share of masked pixels lighter than their background"},
                      fh, indent=1, sort_keys=True)
            fh.write("\n")


if __name__ == "__main__":
    sys.exit(main())
