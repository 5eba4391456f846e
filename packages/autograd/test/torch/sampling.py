"""
Parity fixtures for the random ops, by distribution statistics (not torch's random streams, which @nn does not
share): frequencies of each outcome over many draws of torch.bernoulli, torch.multinomial (with and without
replacement: the distribution of ordered pairs) and torch.randint. sampling.test.ts draws as many with @nn and
compares the frequencies within a few standard errors.
"""
import json
import os

import torch

torch.manual_seed(3)
N = 50000


def frequencies(samples, outcomes):
    return [float((samples == o).double().mean()) for o in outcomes]


cases = []
p = torch.tensor([0.1, 0.5, 0.9])
cases.append({"name": "bernoulli p = [0.1, 0.5, 0.9]", "op": "bernoulli", "probs": p.tolist(), "draws": N,
              "frequencies": torch.bernoulli(p.expand(N, 3)).mean(0).tolist()})
w = torch.tensor([1.0, 2.0, 3.0, 4.0])
pairs = torch.multinomial(w.expand(N, 4), 2, replacement=False)
codes = pairs[:, 0] * 4 + pairs[:, 1]
cases.append({"name": "multinomial without replacement: ordered pairs of 2 from weights [1, 2, 3, 4]",
              "op": "multinomial", "probs": w.tolist(), "numSamples": 2, "replacement": False, "draws": N,
              "frequencies": frequencies(codes, range(16))})
single = torch.multinomial(w, N, replacement=True)
cases.append({"name": "multinomial with replacement from weights [1, 2, 3, 4]", "op": "multinomial",
              "probs": w.tolist(), "numSamples": 1, "replacement": True, "draws": N,
              "frequencies": frequencies(single, range(4))})
ints = torch.randint(-2, 3, (N,))
cases.append({"name": "randint in [-2, 3)", "op": "randint", "low": -2, "high": 3, "draws": N,
              "frequencies": frequencies(ints, range(-2, 3))})

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "sampling.json")
with open(path, "w") as f:
    json.dump({"torch": torch.__version__, "family": "sampling", "cases": cases}, f)
    f.write("\n")
print(f"wrote {len(cases)} cases to {path}")
