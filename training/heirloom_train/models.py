"""The two networks, mirrored layer for layer by src-main/core/engine/architectures.ts.

Every conv is named; export.py writes the weights under the same names in tfjs layout.
Stride-2 convs pad one pixel on every side (tfjs side: ZeroPadding2D(1) + 'valid').
Upsampling is nearest-neighbour (identical in both frameworks).
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

from .mobilenet import POOLED, MobileNetV2Trunk

# (name, in, out, kernel, stride) for the heirloom colorizer's convs, in order.
HEIRLOOM_CONVS = [
    ("enc1", 4, 32, 3, 1),
    ("enc1_down", 32, 48, 3, 2),
    ("enc2", 48, 64, 3, 1),
    ("enc2_down", 64, 96, 3, 2),
    ("enc3", 96, 128, 3, 1),
    ("enc3_down", 128, 192, 3, 2),
    ("enc4", 192, 256, 3, 1),
    ("enc4b", 256, 256, 3, 1),
    ("mid", 256, 256, 3, 1),
    ("reduce", 256, 128, 1, 1),
    ("dec1", 128, 128, 3, 1),
    ("dec2", 128, 128, 3, 1),
]


class ConvBN(nn.Module):
    """conv -> BatchNorm -> ReLU during training; BN is folded into the conv on export."""

    def __init__(self, cin, cout, k, stride, bn=True, relu=True):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, k, stride, padding=k // 2, bias=not bn)
        self.bn = nn.BatchNorm2d(cout) if bn else None
        self.relu = relu

    def forward(self, x):
        x = self.conv(x)
        if self.bn is not None:
            x = self.bn(x)
        return F.relu(x) if self.relu else x


def encode_to_eighth(c, x):
    """The own encoder shared by v2 and v3: [L, hints] -> (features at 1/8, skip at 1/4)."""
    x = c["enc1"](x)
    x = c["enc1_down"](x)
    x = c["enc2"](x)
    x = c["enc2_down"](x)
    skip = c["enc3"](x)
    return c["enc3_down"](skip), skip


def decode_from_eighth(c, head, x, skip):
    """The decoder shared by v2 and v3: 1/8 features (global context added) + 1/4 skip -> logits at 1/4."""
    x = c["mid"](x)
    x = c["reduce"](x)
    x = F.interpolate(x, scale_factor=2, mode="nearest")
    x = x + skip
    x = c["dec1"](x)
    x = c["dec2"](x)
    return head(x)


class HeirloomNet(nn.Module):
    """Input: [L, hint a, hint b, hint mask] at H x W. Output: ab-bin logits at H/4 x W/4."""

    def __init__(self, num_bins: int):
        super().__init__()
        self.layers = nn.ModuleDict({n: ConvBN(i, o, k, s) for n, i, o, k, s in HEIRLOOM_CONVS})
        # Global context: image-level features broadcast back onto every position.
        self.global1 = nn.Linear(256, 256)
        self.global2 = nn.Linear(256, 256)
        self.head = nn.Conv2d(128, num_bins, 1)

    def forward(self, x):
        c = self.layers
        x, skip = encode_to_eighth(c, x)
        x = c["enc4"](x)
        x = c["enc4b"](x)
        g = x.mean(dim=(2, 3))
        g = self.global2(F.relu(self.global1(g)))
        return decode_from_eighth(c, self.head, x + g[:, :, None, None], skip)


# v3: the same own encoder down to 1/8, fused with the frozen pretrained MobileNetV2 trunk.
HEIRLOOM3_CONVS = [
    ("enc1", 4, 32, 3, 1),
    ("enc1_down", 32, 48, 3, 2),
    ("enc2", 48, 64, 3, 1),
    ("enc2_down", 64, 96, 3, 2),
    ("enc3", 96, 128, 3, 1),
    ("enc3_down", 128, 192, 3, 2),
    ("fuse", 192 + 32 + 96, 256, 1, 1),  # own 1/8 + MobileNet 1/8 tap + MobileNet 1/16 tap (x2 up)
    ("enc4", 256, 256, 3, 1),
    ("enc4b", 256, 256, 3, 1),
    ("mid", 256, 256, 3, 1),
    ("reduce", 256, 128, 1, 1),
    ("dec1", 128, 128, 3, 1),
    ("dec2", 128, 128, 3, 1),
]


class HeirloomNet3(nn.Module):
    """Input [L, hint a, hint b, hint mask] at H x W (multiples of 16). Output: ab-bin logits at H/4.

    The MobileNetV2 trunk (frozen, pretrained) sees L only; its features say what things are, the own
    encoder carries the hints and fine detail. Its pooled 1280-d vector joins the global path."""

    def __init__(self, num_bins: int):
        super().__init__()
        self.mnet = MobileNetV2Trunk()
        self.layers = nn.ModuleDict({n: ConvBN(i, o, k, s) for n, i, o, k, s in HEIRLOOM3_CONVS})
        self.global1 = nn.Linear(256 + POOLED, 256)
        self.global2 = nn.Linear(256, 256)
        self.head = nn.Conv2d(128, num_bins, 1)

    def train(self, mode=True):
        super().train(mode)
        self.mnet.eval()  # frozen: no BatchNorm statistics to update, but keep it in eval for clarity
        return self

    def tune_trunk_from(self, first: str):
        """Let the trunk's layers from `first` on (a MobileNetV2 conv name, say "block_6_expand") train.
        The earlier layers stay frozen, so autograd records nothing before `first`."""
        names = [name for name, *_ in self.mnet.specs]
        for name in names[names.index(first):]:
            for p in self.mnet.convs[name].parameters():
                p.requires_grad_(True)

    def trainable_state(self):
        """State without the frozen part of the trunk (it is rebuilt from the npm package): smaller
        checkpoints. Trunk layers that were tuned are kept."""
        tuned = {f"mnet.{n}" for n, p in self.mnet.named_parameters() if p.requires_grad}
        return {k: v for k, v in self.state_dict().items() if not k.startswith("mnet.") or k in tuned}

    def forward(self, x):
        c = self.layers
        m8, m16, mpool = self.mnet(x)  # no graph is kept through frozen layers (no input needs grad)
        h, skip = encode_to_eighth(c, x)
        h = torch.cat([h, m8, F.interpolate(m16, scale_factor=2, mode="nearest")], 1)
        h = c["fuse"](h)
        h = c["enc4"](h)
        h = c["enc4b"](h)
        g = torch.cat([h.mean(dim=(2, 3)), mpool], 1)
        g = self.global2(F.relu(self.global1(g)))
        return decode_from_eighth(c, self.head, h + g[:, :, None, None], skip)


# The seeds' "beta" colorizer: L in, ab/128 out (tanh), MSE. No BatchNorm.
BETA_CONVS = [
    ("b1", 1, 64, 1), ("b2", 64, 64, 2), ("b3", 64, 128, 1), ("b4", 128, 128, 2),
    ("b5", 128, 256, 1), ("b6", 256, 256, 2), ("b7", 256, 512, 1), ("b8", 512, 256, 1),
    ("b9", 256, 128, 1), ("b10", 128, 64, 1), ("b11", 64, 32, 1), ("b12", 32, 2, 1),
]


class BetaNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = nn.ModuleDict({n: nn.Conv2d(i, o, 3, s, padding=1) for n, i, o, s in BETA_CONVS})

    def forward(self, x):
        c = self.layers
        for n in ["b1", "b2", "b3", "b4", "b5", "b6", "b7", "b8", "b9"]:
            x = F.relu(c[n](x))
        x = F.interpolate(x, scale_factor=2, mode="nearest")
        x = F.relu(c["b10"](x))
        x = F.interpolate(x, scale_factor=2, mode="nearest")
        x = F.relu(c["b11"](x))
        x = torch.tanh(c["b12"](x))
        return F.interpolate(x, scale_factor=2, mode="nearest")
