#!/usr/bin/python3
"""Plots validation ΔE00 against process CPU time for the runs measured by training/curve.sh.

    /usr/bin/python3 training/plot_curve.py --out models/v3-cpu-curve.png v3-enc v3-noenc
Needs Debian's python3-matplotlib (a documentation tool only; the app never uses it).
"""
import argparse
import glob
import json
import os

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

p = argparse.ArgumentParser()
p.add_argument("--out", required=True)
p.add_argument("runs", nargs="+")
args = p.parse_args()
root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "curve")
fig, axes = plt.subplots(2, 2, figsize=(10, 6.4), sharex=True)
for col, (split, title) in enumerate((("validation-tune", "sha1 split, tune half"), ("sources-tune", "held-out sources, tune half"))):
    grey = None
    for run in args.runs:
        pts = []
        for f in sorted(glob.glob(os.path.join(root, run, f"*-{split}.json"))):
            r = json.load(open(f))
            pts.append((int(os.path.basename(f).split("-")[0]), r["colorized"]["deltaE00"], r["colorized"]["colourfulnessRatio"]))
            grey = r["grey"]["deltaE00"]
        if pts:
            xs, ys, cs = zip(*sorted(pts))
            axes[0][col].plot(xs, ys, marker="o", label=run)
            axes[1][col].plot(xs, cs, marker="o", label=run)
    if grey is not None:
        axes[0][col].axhline(grey, color="grey", linestyle="--", label="grey answer")
        axes[0][col].axhline(0.95 * grey, color="grey", linestyle=":", label="target: 0.95 × grey")
    axes[1][col].axhline(0.70, color="grey", linestyle=":", label="target: ≥ 0.70")
    axes[0][col].set_title(title)
    axes[0][col].set_ylabel("ΔE00 (lower is better)")
    axes[1][col].set_ylabel("colourfulness ratio")
    axes[1][col].set_xlabel("process CPU-minutes")
    for ax in (axes[0][col], axes[1][col]):
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7)
fig.suptitle("Validation ΔE00 and colourfulness against training CPU time (uncalibrated decode T 0.38, α 0; 100 photos per half)")
fig.tight_layout()
fig.savefig(args.out, dpi=110)
print(f"wrote {args.out}")
