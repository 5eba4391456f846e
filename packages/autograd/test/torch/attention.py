"""
Parity fixtures for scaledDotProductAttention: see torch_cases.py. PyTorch 1.13 has no public
scaled_dot_product_attention, so `sdpa` below is the formula PyTorch 2.x documents (its math path): a boolean mask
keeps where True, a float mask is added, is_causal keeps the top-left lower triangle of [L, S]. A query whose keys
are all masked out gets zeros (PyTorch's math path gives NaN there; @nn documents 0, as its fused kernels do since
2.5), so those rows are zeroed here too.
"""
import math
import os

import torch

from torch_cases import Cases


def sdpa(q, k, v, mask=None, causal=False, scale=None):
    L, S = q.shape[-2], k.shape[-2]
    scores = (q @ k.transpose(-2, -1)) * (scale if scale is not None else 1 / math.sqrt(q.shape[-1]))
    if causal:
        scores = scores.masked_fill(~torch.ones(L, S, dtype=torch.bool).tril(), float("-inf"))
    if mask is not None and mask.dtype == torch.bool:
        scores = scores.masked_fill(~mask, float("-inf"))
    elif mask is not None:
        scores = scores + mask
    weights = torch.softmax(scores, -1)
    weights = torch.where(torch.isnan(weights), torch.zeros_like(weights), weights)
    return weights @ v


c = Cases("attention", seed=2)
c.add("no mask, E != Ev", "sdpa", {"q": c.randn(2, 3, 4), "k": c.randn(2, 5, 4), "v": c.randn(2, 5, 6)},
      lambda q, k, v: sdpa(q, k, v))
c.add("causal, heads", "sdpa", {"q": c.randn(1, 2, 4, 8), "k": c.randn(1, 2, 4, 8), "v": c.randn(1, 2, 4, 8)},
      lambda q, k, v: sdpa(q, k, v, causal=True), {"isCausal": True})
c.add("causal, L < S", "sdpa", {"q": c.randn(2, 3, 4), "k": c.randn(2, 5, 4), "v": c.randn(2, 5, 3)},
      lambda q, k, v: sdpa(q, k, v, causal=True), {"isCausal": True})
keep = torch.tensor([[True, False, True, True, False], [False] * 5, [True] * 5])
c.add("boolean keep mask with an empty row", "sdpa",
      {"q": c.randn(2, 3, 4), "k": c.randn(2, 5, 4), "v": c.randn(2, 5, 3), "mask": keep},
      lambda q, k, v, mask: sdpa(q, k, v, mask))
additive = (c.randn(3, 5, requires_grad=False) + torch.tensor([0.0, float("-inf"), 0.0, 0.0, 0.0])).requires_grad_()
c.add("additive float mask with -inf, and its gradient", "sdpa",
      {"q": c.randn(2, 3, 4), "k": c.randn(2, 5, 4), "v": c.randn(2, 5, 3), "mask": additive},
      lambda q, k, v, mask: sdpa(q, k, v, mask))
c.add("scale 0.3 and broadcast batch axes", "sdpa",
      {"q": c.randn(2, 3, 4, 8), "k": c.randn(1, 3, 5, 8), "v": c.randn(2, 1, 5, 8)},
      lambda q, k, v: sdpa(q, k, v, scale=0.3), {"scale": 0.3})
c.add("sequence length 1", "sdpa", {"q": c.randn(3, 1, 4), "k": c.randn(3, 1, 4), "v": c.randn(3, 1, 2)},
      lambda q, k, v: sdpa(q, k, v))
c.write(os.path.dirname(os.path.abspath(__file__)))
