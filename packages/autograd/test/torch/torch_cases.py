"""Shared helpers for the op-parity fixtures: each `<family>.py` next to this file writes `<family>.json`.

Run a generator with Debian's PyTorch (python3-torch 1.13; install libopenblas0-pthread with it):
    /usr/bin/python3 packages/autograd/test/torch/<family>.py
Everything is float64 and seeded, so the JSON is reproducible; commit the generator and what it wrote.
The tests (`<family>.test.ts`, read through `parity.ts`) never run torch.
"""
import json
import math
import os

import torch

torch.set_default_dtype(torch.float64)


def tensor_json(t):
    """{ shape, dtype, values } of a tensor (bool -> float32 0/1, integer -> int32)."""
    t = t.detach()
    if t.dtype == torch.bool:
        dtype, t = "float32", t.double()
    elif t.dtype in (torch.int64, torch.int32):
        dtype = "int32"
    else:
        dtype = "float64"
    # JSON has no Infinity or NaN: they are written as the strings "inf", "-inf", "nan" (parity.ts reads them back).
    values = [v if math.isfinite(v) else str(v) for v in t.reshape(-1).tolist()]
    return {"shape": list(t.shape), "dtype": dtype, "values": values}


class Cases:
    """Collects cases: named inputs, an @nn-side op name with its arguments, outputs and input gradients."""

    def __init__(self, family, seed=0):
        self.family = family
        self.cases = []
        self.generator = torch.Generator().manual_seed(seed)

    def randn(self, *shape, requires_grad=True):
        return torch.randn(*shape, generator=self.generator).requires_grad_(requires_grad)

    def rand(self, *shape, low=0.0, high=1.0, requires_grad=True):
        t = torch.rand(*shape, generator=self.generator) * (high - low) + low
        return t.requires_grad_(requires_grad)

    def add(self, name, op, inputs, fn, args=None):
        """
        name: unique case name; op: the @nn op the test calls; inputs: dict name -> tensor (float tensors with
        requires_grad get gradients); fn(**inputs) -> tensor or tuple of tensors (outputs); args: JSON-able extra
        arguments the @nn call takes (axis, options, ...). The gradient is of sum(output_i * w_i) for fixed seeded
        weights w_i over every float output, so it is not the trivial all-ones cotangent.
        """
        out = fn(**inputs)
        outs = list(out) if isinstance(out, (tuple, list)) else [out]
        loss = None
        cotangents = []
        for o in outs:
            if o.is_floating_point() and o.requires_grad:
                w = torch.randn(o.shape, generator=self.generator)
                cotangents.append(tensor_json(w))
                term = (o * w).sum()
                loss = term if loss is None else loss + term
            else:
                cotangents.append(None)
        grads = {}
        wrt = [k for k, v in inputs.items() if torch.is_tensor(v) and v.requires_grad]
        if loss is not None and wrt:
            gs = torch.autograd.grad(loss, [inputs[k] for k in wrt], allow_unused=True)
            for k, g in zip(wrt, gs):
                grads[k] = tensor_json(g if g is not None else torch.zeros_like(inputs[k]))
        self.cases.append({
            "name": name,
            "op": op,
            "args": args if args is not None else {},
            "inputs": {k: tensor_json(v) for k, v in inputs.items() if torch.is_tensor(v)},
            "outputs": [tensor_json(o) for o in outs],
            "cotangents": cotangents,
            "grads": grads,
        })

    def write(self, here):
        path = os.path.join(here, f"{self.family}.json")
        with open(path, "w") as f:
            json.dump({"torch": torch.__version__, "family": self.family, "cases": self.cases}, f,
                      indent=None, separators=(",", ":"))
            f.write("\n")
        print(f"wrote {len(self.cases)} cases to {path}")
