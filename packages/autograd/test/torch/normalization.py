"""Parity fixtures for layerNorm (one and two trailing axes, with and without weight and bias): see torch_cases.py."""
import os

import torch.nn.functional as F

from torch_cases import Cases

c = Cases("normalization", seed=1)
c.add("layerNorm last axis, weight and bias", "layerNorm",
      {"x": c.randn(4, 6), "weight": c.randn(6), "bias": c.randn(6)},
      lambda x, weight, bias: F.layer_norm(x, [6], weight, bias), {"normalizedShape": [6]})
c.add("layerNorm two trailing axes, weight and bias", "layerNorm",
      {"x": c.randn(2, 3, 4, 5), "weight": c.randn(4, 5), "bias": c.randn(4, 5)},
      lambda x, weight, bias: F.layer_norm(x, [4, 5], weight, bias), {"normalizedShape": [4, 5]})
c.add("layerNorm no affine, eps 1e-3, offset rows", "layerNorm", {"x": (c.randn(3, 7) * 4 + 10).detach().requires_grad_()},
      lambda x: F.layer_norm(x, [7], eps=1e-3), {"normalizedShape": [7], "eps": 1e-3})
c.add("layerNorm weight only, over every axis", "layerNorm", {"x": c.randn(3, 4), "weight": c.randn(3, 4)},
      lambda x, weight: F.layer_norm(x, [3, 4], weight), {"normalizedShape": [3, 4]})
c.add("layerNorm rows of one element", "layerNorm", {"x": c.randn(5, 1), "weight": c.randn(1), "bias": c.randn(1)},
      lambda x, weight, bias: F.layer_norm(x, [1], weight, bias), {"normalizedShape": [1]})
c.write(os.path.dirname(os.path.abspath(__file__)))
