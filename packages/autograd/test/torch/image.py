"""Parity fixtures for the 0.2 image ops: conv1d, dilated/grouped conv2d, convTranspose2d, interpolate,
adaptiveAvgPool2d (see torch_cases.py). Edge shapes: 1x1 kernels, depthwise groups, size-1 images, outputPadding,
non-divisible adaptive windows, alignCorners both ways, scale factors that are not integers."""
import os

import torch.nn.functional as F

from torch_cases import Cases

c = Cases("image")

# conv1d
c.add("conv1d stride 2 padding 1", "conv1d", {"x": c.randn(2, 3, 9), "w": c.randn(4, 3, 3)},
      lambda x, w: F.conv1d(x, w, stride=2, padding=1), {"stride": 2, "padding": 1})
c.add("conv1d dilation 2 groups 3", "conv1d", {"x": c.randn(1, 6, 10), "w": c.randn(3, 2, 3)},
      lambda x, w: F.conv1d(x, w, dilation=2, groups=3), {"dilation": 2, "groups": 3})
c.add("conv1d same padding k 4", "conv1d", {"x": c.randn(1, 2, 7), "w": c.randn(2, 2, 4)},
      lambda x, w: F.conv1d(x, w, padding="same"), {"padding": "same"})
c.add("conv1d length 1 k 1", "conv1d", {"x": c.randn(3, 2, 1), "w": c.randn(5, 2, 1)},
      lambda x, w: F.conv1d(x, w), {})

# conv2d with dilation and groups
c.add("conv2d dilation 2 padding 2", "conv2d", {"x": c.randn(2, 3, 7, 8), "w": c.randn(4, 3, 3, 3)},
      lambda x, w: F.conv2d(x, w, padding=2, dilation=2), {"padding": 2, "dilation": 2})
c.add("conv2d dilation (2, 3) stride 2", "conv2d", {"x": c.randn(1, 2, 9, 10), "w": c.randn(3, 2, 2, 3)},
      lambda x, w: F.conv2d(x, w, stride=2, dilation=(2, 3)), {"stride": 2, "dilation": [2, 3]})
c.add("conv2d groups 2", "conv2d", {"x": c.randn(2, 4, 5, 5), "w": c.randn(6, 2, 3, 3)},
      lambda x, w: F.conv2d(x, w, padding=1, groups=2), {"padding": 1, "groups": 2})
c.add("conv2d depthwise stride 2 dilation 2", "conv2d", {"x": c.randn(1, 3, 8, 8), "w": c.randn(6, 1, 3, 3)},
      lambda x, w: F.conv2d(x, w, stride=2, padding=2, dilation=2, groups=3),
      {"stride": 2, "padding": 2, "dilation": 2, "groups": 3})
c.add("conv2d pointwise groups 2", "conv2d", {"x": c.randn(2, 4, 3, 3), "w": c.randn(2, 2, 1, 1)},
      lambda x, w: F.conv2d(x, w, groups=2), {"groups": 2})

# convTranspose2d: weight [inC, outC / groups, kH, kW]
c.add("convTranspose2d plain", "convTranspose2d", {"x": c.randn(2, 3, 4, 5), "w": c.randn(3, 2, 3, 3)},
      lambda x, w: F.conv_transpose2d(x, w), {})
c.add("convTranspose2d stride 2 padding 1 outputPadding 1", "convTranspose2d",
      {"x": c.randn(1, 2, 4, 4), "w": c.randn(2, 3, 3, 3)},
      lambda x, w: F.conv_transpose2d(x, w, stride=2, padding=1, output_padding=1),
      {"stride": 2, "padding": 1, "outputPadding": 1})
c.add("convTranspose2d stride (3, 2) outputPadding (2, 1)", "convTranspose2d",
      {"x": c.randn(1, 2, 3, 3), "w": c.randn(2, 1, 2, 4)},
      lambda x, w: F.conv_transpose2d(x, w, stride=(3, 2), padding=(1, 0), output_padding=(2, 1)),
      {"stride": [3, 2], "padding": [1, 0], "outputPadding": [2, 1]})
c.add("convTranspose2d groups 2 dilation 2", "convTranspose2d", {"x": c.randn(2, 4, 3, 3), "w": c.randn(4, 3, 2, 2)},
      lambda x, w: F.conv_transpose2d(x, w, stride=2, groups=2, dilation=2),
      {"stride": 2, "groups": 2, "dilation": 2})
c.add("convTranspose2d 1x1 image k 1", "convTranspose2d", {"x": c.randn(3, 2, 1, 1), "w": c.randn(2, 4, 1, 1)},
      lambda x, w: F.conv_transpose2d(x, w), {})

# interpolate
c.add("interpolate nearest scale 2", "interpolate", {"x": c.randn(1, 2, 3, 4)},
      lambda x: F.interpolate(x, scale_factor=2, mode="nearest"), {"scaleFactor": 2, "mode": "nearest"})
c.add("interpolate nearest size down", "interpolate", {"x": c.randn(2, 1, 7, 5)},
      lambda x: F.interpolate(x, size=(3, 4), mode="nearest"), {"size": [3, 4], "mode": "nearest"})
c.add("interpolate nearest scale 1.7", "interpolate", {"x": c.randn(1, 2, 5, 3)},
      lambda x: F.interpolate(x, scale_factor=1.7, mode="nearest"), {"scaleFactor": 1.7})
for align in (False, True):
    suffix = "alignCorners" if align else "no alignCorners"
    c.add(f"interpolate bilinear scale 2 {suffix}", "interpolate", {"x": c.randn(1, 2, 3, 4)},
          lambda x, align=align: F.interpolate(x, scale_factor=2, mode="bilinear", align_corners=align),
          {"scaleFactor": 2, "mode": "bilinear", "alignCorners": align})
    c.add(f"interpolate bilinear size (5, 2) {suffix}", "interpolate", {"x": c.randn(2, 1, 4, 6)},
          lambda x, align=align: F.interpolate(x, size=(5, 2), mode="bilinear", align_corners=align),
          {"size": [5, 2], "mode": "bilinear", "alignCorners": align})
    c.add(f"interpolate bilinear scale (1.5, 0.6) {suffix}", "interpolate", {"x": c.randn(1, 2, 4, 5)},
          lambda x, align=align: F.interpolate(x, scale_factor=(1.5, 0.6), mode="bilinear", align_corners=align),
          {"scaleFactor": [1.5, 0.6], "mode": "bilinear", "alignCorners": align})
    c.add(f"interpolate bilinear 1x1 to 3x3 {suffix}", "interpolate", {"x": c.randn(1, 2, 1, 1)},
          lambda x, align=align: F.interpolate(x, size=3, mode="bilinear", align_corners=align),
          {"size": 3, "mode": "bilinear", "alignCorners": align})
    c.add(f"interpolate bilinear to 1x1 {suffix}", "interpolate", {"x": c.randn(1, 1, 3, 4)},
          lambda x, align=align: F.interpolate(x, size=1, mode="bilinear", align_corners=align),
          {"size": 1, "mode": "bilinear", "alignCorners": align})

# adaptiveAvgPool2d
c.add("adaptiveAvgPool2d 1 (global)", "adaptiveAvgPool2d", {"x": c.randn(2, 3, 4, 5)},
      lambda x: F.adaptive_avg_pool2d(x, 1), {"outputSize": 1})
c.add("adaptiveAvgPool2d divisible (2, 3)", "adaptiveAvgPool2d", {"x": c.randn(1, 2, 6, 9)},
      lambda x: F.adaptive_avg_pool2d(x, (2, 3)), {"outputSize": [2, 3]})
c.add("adaptiveAvgPool2d overlapping (3, 4) of 5x7", "adaptiveAvgPool2d", {"x": c.randn(2, 2, 5, 7)},
      lambda x: F.adaptive_avg_pool2d(x, (3, 4)), {"outputSize": [3, 4]})
c.add("adaptiveAvgPool2d up (4, 3) of 2x2", "adaptiveAvgPool2d", {"x": c.randn(1, 1, 2, 2)},
      lambda x: F.adaptive_avg_pool2d(x, (4, 3)), {"outputSize": [4, 3]})
c.write(os.path.dirname(os.path.abspath(__file__)))
