"""Quantised ab bins (grid 10, as in Zhang et al. 2016), their empirical prior and rebalancing weights."""
import numpy as np
import torch
import torch.nn.functional as F

GRID = 10
RANGE = 110  # bin centres from -110 to 110


def grid_centres() -> np.ndarray:
    axis = np.arange(-RANGE, RANGE + 1, GRID, dtype=np.float32)
    a, b = np.meshgrid(axis, axis, indexing="ij")
    return np.stack([a.ravel(), b.ravel()], 1)


def nearest_grid_index(ab: torch.Tensor) -> torch.Tensor:
    """ab [..., 2] -> index into grid_centres()."""
    n = 2 * RANGE // GRID + 1
    idx = ((ab + RANGE) / GRID).round().clamp(0, n - 1).long()
    return idx[..., 0] * n + idx[..., 1]


def build_bins(ab_samples: torch.Tensor, lam=0.5, sigma=5.0):
    """From training ab samples [N,2]: keep occupied grid cells, smoothed prior, rebalancing weights."""
    centres = grid_centres()
    counts = torch.bincount(nearest_grid_index(ab_samples), minlength=len(centres)).double()
    keep = (counts > 0).numpy()
    kept = centres[keep]
    prior = counts.numpy()[keep]
    prior = prior / prior.sum()
    # Gaussian smoothing of the prior over ab space.
    d2 = ((kept[:, None, :] - kept[None, :, :]) ** 2).sum(-1)
    kernel = np.exp(-d2 / (2 * sigma ** 2))
    smooth = kernel @ prior
    smooth = smooth / smooth.sum()
    q = len(kept)
    weights = 1.0 / ((1 - lam) * smooth + lam / q)
    weights = weights / (smooth * weights).sum()  # expected weight 1 under the prior
    return kept.astype(np.float32), smooth.astype(np.float32), weights.astype(np.float32)


def soft_encode(ab: torch.Tensor, centres: torch.Tensor, k=5, sigma=5.0):
    """ab [B,2,h,w] -> soft targets [B,Q,h,w] over the k nearest bins, and the nearest bin index."""
    b, _, h, w = ab.shape
    flat = ab.permute(0, 2, 3, 1).reshape(-1, 2)
    d2 = torch.cdist(flat, centres) ** 2
    near_d2, near_idx = d2.topk(k, dim=1, largest=False)
    wts = torch.exp(-near_d2 / (2 * sigma ** 2))
    wts = wts / wts.sum(1, keepdim=True)
    target = torch.zeros(flat.shape[0], centres.shape[0])
    target.scatter_(1, near_idx, wts)
    target = target.view(b, h, w, -1).permute(0, 3, 1, 2)
    return target, near_idx[:, 0].view(b, h, w)


def annealed_mean(logits: torch.Tensor, centres: torch.Tensor, temperature: float) -> torch.Tensor:
    """logits [B,Q,h,w] -> ab [B,2,h,w]: the mean of softmax(logits / T) over bin centres."""
    p = F.softmax(logits / temperature, dim=1)
    return torch.einsum("bqhw,qc->bchw", p, centres)
