"""PyTorch reference for the char-gpt example's quality bar: nanoGPT's CPU "baby GPT" recipe (its README command:
4 layers, 4 heads, 128 dims, block 64, batch 12, dropout 0, AdamW 1e-3 -> 1e-4 cosine after 100 warm-up steps,
beta2 0.99, weight decay 0.1 on matrices, gradient clipping 1, 2,000 iterations) with nanoGPT's model.py
(LayerNorm without bias: lnbias 0) or with the example's LayerNorm bias (lnbias 1). Prints estimate_loss (20
random batches per split) every 250 steps, and at the end the loss over the whole validation split, as the
example does. Run: /usr/bin/python3 nanogpt_reference.py <seed> <lnbias>   (one thread; ~13 min here)."""
import math
import os
import sys
import time

import torch
from torch import nn
import torch.nn.functional as F
torch.set_num_threads(1)
seed, lnbias = int(sys.argv[1]), int(sys.argv[2])
torch.manual_seed(seed)
text = open(os.path.join(os.path.dirname(__file__), '..', '..', 'data', 'tinyshakespeare.txt')).read()
chars = sorted(set(text)); stoi = {c: i for i, c in enumerate(chars)}
data = torch.tensor([stoi[c] for c in text], dtype=torch.long)
n = int(len(data) * 0.9); train, val = data[:n], data[n:]
B, T, E, H, L, V = 12, 64, 128, 4, 4, len(chars)
class LN(nn.Module):
    def __init__(s, e):
        super().__init__(); s.weight = nn.Parameter(torch.ones(e)); s.bias = nn.Parameter(torch.zeros(e)) if lnbias else None
    def forward(s, x): return F.layer_norm(x, s.weight.shape, s.weight, s.bias, 1e-5)
class Attn(nn.Module):
    def __init__(s):
        super().__init__(); s.c_attn = nn.Linear(E, 3 * E, bias=False); s.c_proj = nn.Linear(E, E, bias=False)
    def forward(s, x):
        b, t, e = x.shape
        q, k, v = s.c_attn(x).split(E, dim=2)
        q, k, v = [z.view(b, t, H, e // H).transpose(1, 2) for z in (q, k, v)]
        att = (q @ k.transpose(-2, -1)) / math.sqrt(e // H)
        att = att.masked_fill(torch.triu(torch.ones(t, t, dtype=torch.bool), 1), float('-inf')).softmax(-1)
        return s.c_proj((att @ v).transpose(1, 2).reshape(b, t, e))
class Block(nn.Module):
    def __init__(s):
        super().__init__(); s.ln_1 = LN(E); s.attn = Attn(); s.ln_2 = LN(E)
        s.c_fc = nn.Linear(E, 4 * E, bias=False); s.c_proj = nn.Linear(4 * E, E, bias=False)
    def forward(s, x):
        x = x + s.attn(s.ln_1(x)); return x + s.c_proj(F.gelu(s.c_fc(s.ln_2(x))))
class GPT(nn.Module):
    def __init__(s):
        super().__init__(); s.wte = nn.Embedding(V, E); s.wpe = nn.Embedding(T, E)
        s.h = nn.ModuleList([Block() for _ in range(L)]); s.ln_f = LN(E)
        for pn, p in s.named_parameters():
            if p.dim() == 2: nn.init.normal_(p, 0, 0.02 / math.sqrt(2 * L) if pn.endswith('c_proj.weight') else 0.02)
    def forward(s, idx, tg):
        x = s.wte(idx) + s.wpe(torch.arange(idx.shape[1]))
        for b in s.h: x = b(x)
        return F.cross_entropy(F.linear(s.ln_f(x), s.wte.weight).view(-1, V), tg.reshape(-1))
m = GPT()
decay = [p for p in m.parameters() if p.dim() >= 2]; nodecay = [p for p in m.parameters() if p.dim() < 2]
opt = torch.optim.AdamW([{'params': decay, 'weight_decay': 0.1}, {'params': nodecay, 'weight_decay': 0.0}], lr=1e-3, betas=(0.9, 0.99))
def lr_at(it):
    if it < 100: return 1e-3 * it / 100
    r = (it - 100) / (2000 - 100); return 1e-4 + 0.5 * (1 + math.cos(math.pi * r)) * (1e-3 - 1e-4)
def batch(d):
    ix = torch.randint(len(d) - T, (B,)); return torch.stack([d[i:i + T] for i in ix]), torch.stack([d[i + 1:i + 1 + T] for i in ix])
@torch.no_grad()
def est():
    m.eval(); out = []
    for d in (train, val): out.append(sum(m(*batch(d)).item() for _ in range(20)) / 20)
    m.train(); return out
@torch.no_grad()
def whole():
    m.eval(); w = (len(val) - 1) // T; tot = 0.0
    for f in range(0, w, 64):
        c = min(64, w - f); x = val[f * T:(f + c) * T].view(c, T); y = val[f * T + 1:(f + c) * T + 1].view(c, T)
        tot += m(x, y).item() * c * T
    m.train(); return tot / (w * T)
t0 = time.time()
for it in range(2001):
    for g in opt.param_groups: g['lr'] = lr_at(it)
    if it % 250 == 0 or it == 2000:
        tr, va = est(); print(f'step {it}: train {tr:.4f} val {va:.4f}', flush=True)
    if it == 2000: break
    x, y = batch(train); loss = m(x, y); opt.zero_grad(set_to_none=True); loss.backward()
    torch.nn.utils.clip_grad_norm_(m.parameters(), 1.0); opt.step()
print(f'seed {seed} lnbias {lnbias}: estimate val {va:.4f} whole val {whole():.4f}; {2000*B*T/(time.time()-t0):.0f} tokens/s', flush=True)
