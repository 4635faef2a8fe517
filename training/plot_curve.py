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
root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "runs")
fig, axes = plt.subplots(1, 2, figsize=(10, 3.8), sharey=False)
for ax, split, title in zip(axes, ("validation-tune", "sources-tune"), ("sha1 split, tune half", "held-out sources, tune half")):
    grey = None
    for run in args.runs:
        pts = []
        for f in sorted(glob.glob(os.path.join(root, run, "curve", f"*-{split}.json"))):
            r = json.load(open(f))
            pts.append((int(os.path.basename(f).split("-")[0]), r["colorized"]["deltaE00"]))
            grey = r["grey"]["deltaE00"]
        if pts:
            xs, ys = zip(*sorted(pts))
            ax.plot(xs, ys, marker="o", label=run)
    if grey is not None:
        ax.axhline(grey, color="grey", linestyle="--", label="grey answer")
        ax.axhline(0.95 * grey, color="grey", linestyle=":", label="target: 0.95 × grey")
    ax.set_title(title)
    ax.set_xlabel("process CPU-minutes")
    ax.set_ylabel("ΔE00 (lower is better)")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
fig.suptitle("Validation ΔE00 against training CPU time (default decode, 100 photos per half)")
fig.tight_layout()
fig.savefig(args.out, dpi=110)
print(f"wrote {args.out}")
