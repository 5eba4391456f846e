"""Parity fixtures for a few 0.1 ops (softmax family, batched matmul, conv2d, pooling): see torch_cases.py."""
import os

import torch.nn.functional as F

from torch_cases import Cases

c = Cases("core")
c.add("softmax axis 1", "softmax", {"x": c.randn(3, 5)}, lambda x: F.softmax(x, 1), {"axis": 1})
c.add("logSoftmax last axis", "logSoftmax", {"x": c.randn(2, 3, 4)}, lambda x: F.log_softmax(x, -1), {"axis": -1})
c.add("matmul broadcast batch", "matmul", {"a": c.randn(2, 1, 3, 4), "b": c.randn(3, 4, 5)}, lambda a, b: a @ b)
c.add("conv2d stride 2 padding 1", "conv2d", {"x": c.randn(2, 3, 7, 6), "w": c.randn(4, 3, 3, 3)},
      lambda x, w: F.conv2d(x, w, stride=2, padding=1), {"stride": 2, "padding": 1})
c.add("maxPool2d 2", "maxPool2d", {"x": c.randn(1, 2, 6, 6)}, lambda x: F.max_pool2d(x, 2), {"kernelSize": 2})
c.add("avgPool2d 3 stride 2 padding 1", "avgPool2d", {"x": c.randn(1, 2, 7, 7)},
      lambda x: F.avg_pool2d(x, 3, stride=2, padding=1), {"kernelSize": 3, "stride": 2, "padding": 1})
c.write(os.path.dirname(os.path.abspath(__file__)))
