"""What every training script here shares: the learning-rate schedule over a CPU budget, and
checkpoints written so that a crash never leaves half a file."""
import math
import os

import torch


def warmup_cosine(frac: float, warmup: int) -> float:
    """Share of the base rate at `frac` of the budget: a linear warm-up over the first 1/warmup of it,
    then cosine decay to 5 %."""
    return min(1.0, frac * warmup) * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * min(frac, 1.0))))


def save_atomic(obj, path: str) -> None:
    torch.save(obj, path + ".tmp")
    os.replace(path + ".tmp", path)


def optimise(opt, loss, state: dict) -> None:
    """One optimiser step on `loss`; counts it and keeps a smoothed loss for the logs."""
    opt.zero_grad()
    loss.backward()
    opt.step()
    state["step"] += 1
    state["loss"] = 0.98 * state.get("loss", loss.item()) + 0.02 * loss.item()
