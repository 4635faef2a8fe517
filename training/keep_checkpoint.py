#!/usr/bin/python3
"""Copies a run's latest checkpoint into training/checkpoints/<run>.pt (the file committed to the repo,
replaced each session), with its ab bins inside, so a fresh machine resumes the run from it:
    /usr/bin/python3 training/keep_checkpoint.py v3-enc
"""
import json
import os
import sys

import torch

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
run = sys.argv[1]
ck = torch.load(os.path.join(root, "runs", run, "checkpoint.pt"))
bins_path = os.path.join(root, "runs", run, "bins.json")
if "bins" not in ck and os.path.exists(bins_path):
    with open(bins_path) as f:
        ck["bins"] = json.load(f)
out_dir = os.path.join(root, "training", "checkpoints")
os.makedirs(out_dir, exist_ok=True)
out = os.path.join(out_dir, f"{run}.pt")
tmp = out + ".tmp"
torch.save(ck, tmp)
os.replace(tmp, out)
size = os.path.getsize(out) / 2**20
print(f"{out}: step {ck['state']['step']}, {ck['state']['cpu_seconds'] / 60:.1f} CPU-min, {size:.1f} MB")
if size > 60:
    sys.exit("checkpoint over 60 MB")
