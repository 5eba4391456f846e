"""Parity fixtures for the selection ops added in 0.2 (sort, argsort, topk, tril, triu, maskedFill) and slice
with a negative begin: see torch_cases.py. Sorts with ties use stable=True, @nn's order; topk inputs have no ties
(PyTorch leaves the order of tied values unspecified there)."""
import os

import torch

from torch_cases import Cases

c = Cases("selection", seed=18)


def t(values):
    return torch.tensor(values).requires_grad_(True)


c.add("sort last axis", "sort", {"x": c.randn(3, 6)}, lambda x: torch.sort(x, -1), {})
c.add("sort axis 0 descending", "sort", {"x": c.randn(4, 3)}, lambda x: torch.sort(x, 0, descending=True),
      {"axis": 0, "descending": True})
c.add("sort with ties (stable)", "sort", {"x": t([[2.0, 1.0, 2.0, 0.0, 1.0, 2.0]])},
      lambda x: torch.sort(x, dim=-1, stable=True), {})
c.add("sort with ties descending (stable)", "sort", {"x": t([[2.0, 1.0, 2.0, 0.0, 1.0, 2.0]])},
      lambda x: torch.sort(x, dim=-1, descending=True, stable=True), {"descending": True})
c.add("argsort middle axis", "argsort", {"x": c.randn(2, 5, 3)}, lambda x: torch.argsort(x, 1), {"axis": 1})
c.add("topk k = 2", "topk", {"x": c.randn(3, 7)}, lambda x: torch.topk(x, 2), {"k": 2})
c.add("topk k = 1 smallest axis 0", "topk", {"x": c.randn(4, 3)}, lambda x: torch.topk(x, 1, 0, largest=False),
      {"k": 1, "axis": 0, "largest": False})
c.add("topk k = n", "topk", {"x": c.randn(2, 5)}, lambda x: torch.topk(x, 5), {"k": 5})
c.add("tril", "tril", {"x": c.randn(4, 5)}, lambda x: torch.tril(x), {})
c.add("tril k = -1 batched", "tril", {"x": c.randn(2, 3, 3)}, lambda x: torch.tril(x, -1), {"k": -1})
c.add("triu k = 1", "triu", {"x": c.randn(3, 5)}, lambda x: torch.triu(x, 1), {"k": 1})
c.add("triu k = 2 batched tall", "triu", {"x": c.randn(2, 5, 3)}, lambda x: torch.triu(x, 2), {"k": 2})
mask = torch.rand(3, 1, 4, generator=c.generator) > 0.5
c.add("maskedFill broadcast mask", "maskedFill", {"x": c.randn(3, 2, 4), "mask": mask},
      lambda x, mask: x.masked_fill(mask, -2.5), {"value": -2.5})
c.add("maskedFill 0-d tensor value", "maskedFill", {"x": c.randn(2, 3), "mask": torch.tensor([True, False, True]),
      "value": c.randn(())}, lambda x, mask, value: x.masked_fill(mask, value))
c.add("slice negative begin", "slice", {"x": c.randn(3, 5)}, lambda x: x[-2:, -4:-1],
      {"begin": [-2, -4], "size": [2, 3]})
c.write(os.path.dirname(os.path.abspath(__file__)))
