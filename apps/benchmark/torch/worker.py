"""PyTorch side of the benchmark: one process per thread count, driven by peers/torch.ts over stdin/stdout.

Requests and replies are one JSON object per line; bulk data (weights, images, labels, logits) travels in raw
little-endian files the caller writes into a scratch directory. The models, initial weights, data order,
optimizer and loss are the ones every library in the benchmark uses (see src/models.ts), so PyTorch's first
loss must agree with the others'.

Run by the benchmark as `/usr/bin/python3 worker.py <threads>`; it needs Debian's python3-torch with an
optimised BLAS (libopenblas0-pthread), checked by the `blas` request.
"""
import json
import sys
import time

import numpy as np
import torch
from torch import nn


def build(kind):
    if kind == "mlp":
        return nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10),
    )


def read_f32(path, shape):
    return torch.from_numpy(np.fromfile(path, dtype="<f4").reshape(shape))


def blas_gflops():
    """Best GFLOP/s of a 512x512 float32 matmul over a few timed batches (the BLAS check)."""
    a, b = torch.randn(512, 512), torch.randn(512, 512)
    for _ in range(3):
        a @ b
    best = 0.0
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(10):
            a @ b
        best = max(best, 10 * 2 * 512**3 / (time.perf_counter() - start) / 1e9)
    return best


class Session:
    def __init__(self):
        self.model = None
        self.images = None
        self.labels = None
        self.shape = None

    def create(self, req):
        torch.manual_seed(0)
        self.model = build(req["kind"])
        state = {name: read_f32(path, shape) for name, (path, shape) in req["weights"].items()}
        self.model.load_state_dict(state, strict=True)
        self.shape = [-1] + req["sampleShape"]
        count = req["count"]
        self.images = read_f32(req["images"], [count] + req["sampleShape"])
        self.labels = torch.from_numpy(np.fromfile(req["labels"], dtype="<i4").astype(np.int64))
        self.opt = torch.optim.Adam(self.model.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-8)
        self.loss = nn.CrossEntropyLoss()
        return {}

    def step(self, start, count):
        self.opt.zero_grad()
        loss = self.loss(self.model(self.images[start:start + count]), self.labels[start:start + count])
        loss.backward()
        self.opt.step()
        return loss.item()

    def train(self, req):
        self.model.train()
        return {"loss": self.step(req["start"], req["count"])}

    def epoch(self, req):
        """The loop a PyTorch user writes for one epoch, timed inside this process (no messages per batch)."""
        self.model.train()
        samples, batch = req["samples"], req["batch"]
        start = time.perf_counter()
        total, last = 0.0, float("nan")
        for first in range(0, samples, batch):
            last = self.step(first, min(batch, samples - first))
            total += last
        return {"loss": last, "meanLoss": total / -(-samples // batch), "seconds": time.perf_counter() - start}

    def predict(self, req):
        self.model.eval()
        count = req["count"]
        x = read_f32(req["images"], [req["total"]] + self.shape[1:])[req["start"]:req["start"] + count]
        with torch.no_grad():
            logits = self.model(x).contiguous().numpy().astype("<f4")
        logits.tofile(req["out"])
        return {}


def main():
    threads = int(sys.argv[1])
    torch.set_num_threads(threads)
    session = Session()
    handlers = {
        "blas": lambda req: {"gflops": blas_gflops(), "version": torch.__version__,
                             "blas": torch.__config__.show()},
        "create": session.create,
        "train": session.train,
        "epoch": session.epoch,
        "predict": session.predict,
    }
    for line in sys.stdin:
        req = json.loads(line)
        try:
            reply = {"ok": True, **handlers[req["cmd"]](req)}
        except Exception as error:  # reported to the caller, which fails the cell with it
            reply = {"ok": False, "error": f"{type(error).__name__}: {error}"}
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
