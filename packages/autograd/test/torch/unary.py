"""Parity fixtures for the unary ops added in 0.2 (rounding, trigonometry, erf, log1p/expm1, reciprocal/rsqrt,
gelu in both forms, silu, elu, softplus): see torch_cases.py."""
import os

import torch
import torch.nn.functional as F

from torch_cases import Cases

c = Cases("unary", seed=16)


def t(values):
    return torch.tensor(values).requires_grad_(True)


halves = [-2.5, -1.5, -0.5, 0.0, 0.5, 1.5, 2.5, -0.7, 3.2]
for name in ["sign", "floor", "ceil", "round"]:
    c.add(f"{name}: halves and fractions (zero gradients)", name, {"x": t(halves)}, getattr(torch, name))
c.add("sign of a random matrix", "sign", {"x": c.randn(3, 4)}, torch.sign)
for name in ["sin", "cos", "erf", "expm1"]:
    c.add(f"{name}: random [3, 4]", name, {"x": c.randn(3, 4)}, getattr(torch, name))
c.add("sin, cos: large arguments", "sin", {"x": t([100.0, -1e4, 3.14159])}, torch.sin)
c.add("erf: tails and zero", "erf", {"x": t([-6.5, -3.0, 0.0, 1e-8, 2.0, 5.5])}, torch.erf)
c.add("log1p: near -1, tiny and large", "log1p", {"x": t([-0.999, -0.5, 1e-12, 0.3, 1e6])}, torch.log1p)
c.add("expm1: tiny and far out", "expm1", {"x": t([1e-12, -40.0, 0.5, 20.0])}, torch.expm1)
c.add("reciprocal: both signs", "reciprocal", {"x": c.rand(2, 3, low=0.3, high=3.0) * torch.tensor([1.0, -1.0, 1.0])},
      torch.reciprocal)
c.add("rsqrt: positive values", "rsqrt", {"x": c.rand(2, 3, low=0.05, high=9.0)}, torch.rsqrt)
c.add("gelu exact", "gelu", {"x": c.randn(3, 5) * 3}, lambda x: F.gelu(x))
c.add("gelu tanh", "gelu", {"x": c.randn(3, 5) * 3}, lambda x: F.gelu(x, approximate="tanh"), {"approximate": "tanh"})
c.add("gelu both tails", "gelu", {"x": t([-12.0, -5.0, 5.0, 12.0])}, lambda x: F.gelu(x))
c.add("silu", "silu", {"x": c.randn(4, 3) * 4}, lambda x: F.silu(x))
c.add("silu far out", "silu", {"x": t([-800.0, -30.0, 30.0, 800.0])}, lambda x: F.silu(x))
c.add("elu default alpha", "elu", {"x": c.randn(3, 4)}, lambda x: F.elu(x))
c.add("elu alpha 0.3", "elu", {"x": c.randn(3, 4)}, lambda x: F.elu(x, alpha=0.3), {"alpha": 0.3})
c.add("elu at 0 takes the slope alpha", "elu", {"x": t([0.0, -1e-3, 1e-3])}, lambda x: F.elu(x, alpha=2.0),
      {"alpha": 2.0})
c.add("softplus default", "softplus", {"x": c.randn(3, 4) * 5}, lambda x: F.softplus(x))
c.add("softplus beta 2 threshold 5", "softplus", {"x": c.randn(3, 4) * 4},
      lambda x: F.softplus(x, beta=2, threshold=5), {"beta": 2, "threshold": 5})
c.add("softplus past the threshold and far below", "softplus", {"x": t([-100.0, 19.9, 20.1, 50.0])}, lambda x: F.softplus(x))
c.write(os.path.dirname(os.path.abspath(__file__)))
