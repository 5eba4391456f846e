"""PyTorch side of the benchmark: one process per thread count, driven by peers/torch.ts over stdin/stdout.

Requests and replies are one JSON object per line; bulk data (weights, images, labels, logits) travels in raw
little-endian files the caller writes into a scratch directory. The models, initial weights, data order,
optimizer and loss are the ones every library in the benchmark uses (see src/models.ts), so PyTorch's first
loss must agree with the others'.

Run by the benchmark as `/usr/bin/python3 worker.py <threads>`; it needs Debian's python3-torch with an
optimised BLAS (libopenblas0-pthread), checked by the `blas` request.
"""
import json
import math
import sys
import time
from collections import OrderedDict

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


class GptBlock(nn.Module):
    """apps/examples char-gpt's Block: x + attn(ln_1(x)), then x + mlp(ln_2(x)); no Linear biases (nanoGPT)."""

    def __init__(self, e, heads):
        super().__init__()
        self.ln_1 = nn.LayerNorm(e)
        self.attn = nn.MultiheadAttention(e, heads, bias=False, batch_first=True)
        self.ln_2 = nn.LayerNorm(e)
        self.mlp = nn.Sequential(OrderedDict(
            c_fc=nn.Linear(e, 4 * e, bias=False), gelu=nn.GELU(), c_proj=nn.Linear(4 * e, e, bias=False)))

    def forward(self, x, mask):
        h = self.ln_1(x)
        x = x + self.attn(h, h, h, attn_mask=mask, need_weights=False)[0]
        return x + self.mlp(self.ln_2(x))


class Gpt(nn.Module):
    """The char-gpt model with the same parameter names; lm_head is tied to wte (nanoGPT's weight tying)."""

    def __init__(self, c):
        super().__init__()
        self.wte = nn.Embedding(c["vocabSize"], c["nEmbd"])
        self.wpe = nn.Embedding(c["blockSize"], c["nEmbd"])
        self.h = nn.ModuleList([GptBlock(c["nEmbd"], c["nHead"]) for _ in range(c["nLayer"])])
        self.ln_f = nn.LayerNorm(c["nEmbd"])

    def forward(self, idx, targets):
        t = idx.shape[1]
        # torch 1.13's MultiheadAttention has no is_causal: the same causal mask as an additive float mask.
        mask = torch.triu(torch.full((t, t), float("-inf")), diagonal=1)
        x = self.wte(idx) + self.wpe(torch.arange(t))
        for block in self.h:
            x = block(x, mask)
        logits = nn.functional.linear(self.ln_f(x), self.wte.weight)
        return nn.functional.cross_entropy(logits.view(-1, logits.shape[-1]), targets.reshape(-1))


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

    def gpt_create(self, req):
        """The char-gpt model from the shared weights, AdamW in nanoGPT's two groups, and the shared batches."""
        c, o = req["config"], req["optimizer"]
        self.gpt = Gpt(c)
        state = {name: read_f32(path, shape) for name, (path, shape) in req["weights"].items()}
        self.gpt.load_state_dict(state, strict=True)
        params = list(self.gpt.parameters())
        groups = [{"params": [p for p in params if p.dim() >= 2], "weight_decay": o["weightDecay"]},
                  {"params": [p for p in params if p.dim() < 2], "weight_decay": 0.0}]
        self.gpt_opt = torch.optim.AdamW(groups, lr=o["lr"], betas=tuple(o["betas"]), eps=1e-8)
        self.gpt_clip = o["gradClip"]
        ids = np.fromfile(req["batches"], dtype="<i4").astype(np.int64)
        self.gpt_batches = torch.from_numpy(ids).view(req["count"], 2, c["batchSize"], c["blockSize"])
        return {}

    def gpt_loss(self, req):
        self.gpt.train()
        with torch.no_grad():
            x, y = self.gpt_batches[req["index"]]
            return {"loss": self.gpt(x, y).item()}

    def gpt_train(self, req):
        """nanoGPT's step: forward, backward, clip_grad_norm_, AdamW step, zero_grad; timed inside this process."""
        self.gpt.train()
        start = time.perf_counter()
        loss = math.nan
        for i in range(req["first"], req["first"] + req["count"]):
            x, y = self.gpt_batches[i]
            out = self.gpt(x, y)
            out.backward()
            torch.nn.utils.clip_grad_norm_(self.gpt.parameters(), self.gpt_clip)
            self.gpt_opt.step()
            self.gpt_opt.zero_grad(set_to_none=True)
            loss = out.item()
        return {"loss": loss, "seconds": time.perf_counter() - start}


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
        "gpt_create": session.gpt_create,
        "gpt_loss": session.gpt_loss,
        "gpt_train": session.gpt_train,
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
