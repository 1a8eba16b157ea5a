"""Networks of DESIGN section 3 (NCHW, 1 input channel -> 1 x O x O coefficient grid).

Module names are part of the interface: the Swift codegen reads the state_dict by name
(documented in tools/README.md). Only standard layers are used (Conv2d, BatchNorm2d,
ConvTranspose2d, MaxPool2d, AdaptiveAvgPool2d), so the parameter names are
`<module path>.weight|bias|running_mean|running_var|num_batches_tracked`.
"""
from __future__ import annotations

from collections import OrderedDict

import torch
from torch import nn

ARCHITECTURES = ("vgg-implicit1", "vgg-implicit2", "unet-implicit")


class ConvBlock(nn.Module):
    """3x3 conv (stride 1, padding 1, with bias) -> BatchNorm -> ReLU. (N,cin,H,W)->(N,cout,H,W)."""

    def __init__(self, cin: int, cout: int):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, 3, stride=1, padding=1, bias=True)
        self.bn = nn.BatchNorm2d(cout)
        self.relu = nn.ReLU()

    def forward(self, x):
        return self.relu(self.bn(self.conv(x)))


class Concat(nn.Module):
    """Channel concatenation [skip, upsampled]; a module only so golden fixtures can hook it."""

    def forward(self, skip, up):
        return torch.cat([skip, up], dim=1)


# VGG-16 layout: (channels, number of conv blocks) per block; pools between blocks only.
_VGG_BLOCKS = [(64, 2), (128, 2), (256, 3), (512, 3)]


class VGGImplicit(nn.Module):
    """VGG-16 blocks 1..nblocks (pool between blocks, none after the last), then the head
    1x1 conv -> BN -> tanh -> 1x1 conv (linear). O = I / 2^(nblocks-1)."""

    def __init__(self, nblocks: int, head_channels: int):
        super().__init__()
        layers = OrderedDict()
        cin = 1
        for b, (ch, n) in enumerate(_VGG_BLOCKS[:nblocks], start=1):
            if b > 1:
                layers[f"pool{b - 1}"] = nn.MaxPool2d(2)
            for k in range(1, n + 1):
                layers[f"conv{b}_{k}"] = ConvBlock(cin, ch)
                cin = ch
        self.features = nn.Sequential(layers)
        self.head = nn.Sequential(OrderedDict([
            ("conv", nn.Conv2d(cin, head_channels, 1)),
            ("bn", nn.BatchNorm2d(head_channels)),
            ("tanh", nn.Tanh()),
            ("out", nn.Conv2d(head_channels, 1, 1)),
        ]))
        self.reduction = 2 ** (nblocks - 1)

    def forward(self, x):
        return self.head(self.features(x))


def VGGImplicit1() -> VGGImplicit:
    return VGGImplicit(3, 16)


def VGGImplicit2() -> VGGImplicit:
    return VGGImplicit(4, 32)


class UpStep(nn.Module):
    """(N, 2c, s, s) deeper features + skip (N, c, S, S) -> (N, c, 2s, 2s).

    upconv: 2x2 stride-2 transposed conv halving channels; skip_pool: adaptive average pool of the
    skip to 2s x 2s (a plain average pool, kernel = stride = S / 2s); cat: [skip, up]; two blocks.
    """

    def __init__(self, c: int, out_size: int):
        super().__init__()
        self.upconv = nn.ConvTranspose2d(2 * c, c, 2, stride=2)
        self.skip_pool = nn.AdaptiveAvgPool2d(out_size)
        self.cat = Concat()
        self.conv1 = ConvBlock(2 * c, c)
        self.conv2 = ConvBlock(c, c)

    def forward(self, x, skip):
        return self.conv2(self.conv1(self.cat(self.skip_pool(skip), self.upconv(x))))


class EncoderLevel(nn.Module):
    def __init__(self, cin: int, c: int):
        super().__init__()
        self.conv1 = ConvBlock(cin, c)
        self.conv2 = ConvBlock(c, c)

    def forward(self, x):
        return self.conv2(self.conv1(x))


class UNetImplicit(nn.Module):
    """Contracting levels i = 0..d (two blocks of f 2^i channels, 2x2 max pool between levels),
    bottleneck adaptive average pool to b x b, d up steps to O = b 2^d, final 1x1 conv -> 1 channel.

    Names: encoder.<i>.conv{1,2}.{conv,bn}, pools.<i> (i < d), bottleneck_pool,
    decoder.<j>.{upconv, skip_pool, conv1, conv2} (j = 0 is the deepest step, its skip is level
    d-1), head. Requires I divisible by 2^d b, so every adaptive pool divides evenly.
    """

    def __init__(self, depth: int, bottleneck: int, filters: int, input_size: int):
        super().__init__()
        check_unet(depth, bottleneck, filters, input_size)
        d, b, f = depth, bottleneck, filters
        self.encoder = nn.ModuleList(
            [EncoderLevel(1 if i == 0 else f * 2 ** (i - 1), f * 2 ** i) for i in range(d + 1)])
        self.pools = nn.ModuleList([nn.MaxPool2d(2) for _ in range(d)])
        self.bottleneck_pool = nn.AdaptiveAvgPool2d(b)
        # Step j goes from b 2^j to b 2^(j+1) with f 2^(d-1-j) output channels.
        self.decoder = nn.ModuleList(
            [UpStep(f * 2 ** (d - 1 - j), b * 2 ** (j + 1)) for j in range(d)])
        self.head = nn.Conv2d(f, 1, 1)
        self.depth = d

    def forward(self, x):
        skips = []
        for i, level in enumerate(self.encoder):
            x = level(x)
            if i < self.depth:
                skips.append(x)
                x = self.pools[i](x)
        x = self.bottleneck_pool(x)
        for j, step in enumerate(self.decoder):
            x = step(x, skips[self.depth - 1 - j])
        return self.head(x)


def check_unet(depth, bottleneck, filters, input_size):
    if depth < 0 or bottleneck < 1 or filters < 1:
        raise ValueError(f"UNetImplicit needs depth >= 0, bottleneck >= 1, filters >= 1; got "
                         f"d={depth}, b={bottleneck}, f={filters}")
    q = 2 ** depth * bottleneck
    if input_size % q != 0:
        raise ValueError(
            f"UNetImplicit(d={depth}, b={bottleneck}) needs the input size I divisible by "
            f"2^d*b = {q} (so every pooling divides evenly); got I={input_size}. "
            f"Use I = {max(q, input_size // q * q)} or {(input_size // q + 1) * q}, or change d/b.")


def coefficient_size(architecture: str, input_size: int, depth=None, bottleneck=None) -> int:
    """O for a given architecture and I (validated)."""
    if architecture == "vgg-implicit1" or architecture == "vgg-implicit2":
        r = 4 if architecture == "vgg-implicit1" else 8
        if input_size % r != 0:
            raise ValueError(f"{architecture} needs the input size I divisible by {r} "
                             f"(O = I/{r}); got I={input_size}")
        return input_size // r
    if architecture == "unet-implicit":
        check_unet(depth, bottleneck, 1, input_size)
        return bottleneck * 2 ** depth
    raise ValueError(f"unknown architecture {architecture!r}; choose one of {ARCHITECTURES}")


def build_model(architecture: str, input_size: int, degree: int, depth=None, bottleneck=None,
                filters=None) -> nn.Module:
    """Builds the network after checking I, p (and d, b, f) are consistent; raises ValueError."""
    o = coefficient_size(architecture, input_size, depth, bottleneck)
    if degree < 0 or o < degree + 1:
        raise ValueError(f"degree p={degree} needs O >= p+1 coefficients, but {architecture} at "
                         f"I={input_size} gives O={o}; lower p or raise I/b")
    if architecture == "vgg-implicit1":
        return VGGImplicit1()
    if architecture == "vgg-implicit2":
        return VGGImplicit2()
    return UNetImplicit(depth, bottleneck, filters, input_size)


def model_config(architecture, input_size, degree, depth=None, bottleneck=None, filters=None):
    """The spec's architecture fields (None where they do not apply)."""
    o = coefficient_size(architecture, input_size, depth, bottleneck)
    unet = architecture == "unet-implicit"
    return {"architecture": architecture, "input": input_size, "coefficients": o,
            "degree": degree, "depth": depth if unet else None,
            "bottleneck": bottleneck if unet else None, "filters": filters if unet else None}


def build_from_config(cfg: dict) -> nn.Module:
    return build_model(cfg["architecture"], cfg["input"], cfg["degree"], cfg.get("depth"),
                       cfg.get("bottleneck"), cfg.get("filters"))
