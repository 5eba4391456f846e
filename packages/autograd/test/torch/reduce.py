"""Parity fixtures for the reductions added in 0.2 (logsumexp, var, std, cumsum): see torch_cases.py."""
import os

import torch

from torch_cases import Cases

c = Cases("reduce", seed=17)
c.add("logsumexp last axis", "logsumexp", {"x": c.randn(3, 5)}, lambda x: torch.logsumexp(x, -1), {"axis": -1})
c.add("logsumexp two axes keepDims", "logsumexp", {"x": c.randn(2, 3, 4)},
      lambda x: torch.logsumexp(x, (0, 2), keepdim=True), {"axis": [0, 2], "keepDims": True})
c.add("logsumexp far-out values", "logsumexp", {"x": c.randn(2, 4) * 500}, lambda x: torch.logsumexp(x, 1),
      {"axis": 1})
c.add("logsumexp size-1 axis", "logsumexp", {"x": c.randn(4, 1)}, lambda x: torch.logsumexp(x, 1), {"axis": 1})
c.add("var all axes (unbiased)", "var", {"x": c.randn(3, 4)}, lambda x: torch.var(x), {})
c.add("var axis 1 correction 0 keepDims", "var", {"x": c.randn(3, 4)},
      lambda x: torch.var(x, 1, unbiased=False, keepdim=True), {"axis": 1, "correction": 0, "keepDims": True})
c.add("var two axes", "var", {"x": c.randn(2, 3, 4)}, lambda x: torch.var(x, (0, 2)), {"axis": [0, 2]})
c.add("std axis 0", "std", {"x": c.randn(5, 3)}, lambda x: torch.std(x, 0), {"axis": 0})
c.add("std last axis correction 0", "std", {"x": c.randn(2, 6)}, lambda x: torch.std(x, -1, unbiased=False),
      {"axis": -1, "correction": 0})
for axis in [0, 1, -1]:
    c.add(f"cumsum axis {axis}", "cumsum", {"x": c.randn(3, 4, 2)}, lambda x, a=axis: torch.cumsum(x, a),
          {"axis": axis})
c.add("cumsum size-1 axis", "cumsum", {"x": c.randn(1, 5)}, lambda x: torch.cumsum(x, 0), {"axis": 0})
c.add("cumsum int32", "cumsum", {"x": torch.tensor([[3, -1, 4], [1, 5, -9]], dtype=torch.int32)},
      lambda x: torch.cumsum(x, 1, dtype=torch.int32), {"axis": 1})
c.write(os.path.dirname(os.path.abspath(__file__)))
