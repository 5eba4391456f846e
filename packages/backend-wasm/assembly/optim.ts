// Fused optimizer updates over contiguous float32 runs. Each operation rounds to
// f32 in the order the kernel contract gives (PyTorch 1.13's single-tensor loops), and wasm never fuses a
// multiply-add, so the SIMD lanes, the scalar tail and the unfused kernels all give the same bits.

/** Weight decay modes of adamUpdate. */
const DECAY_NONE = 0;
const DECAY_L2 = 1;

// @ts-ignore: decorator
@inline
function adamLanes(
  o: usize, p: usize, g: usize, m: usize, v: usize, outP: usize, outM: usize, outV: usize, mode: i32, first: bool,
  pScale: v128, wd: v128, b1: v128, omb1: v128, b2: v128, omb2: v128, bias2: v128, eps: v128, negStep: v128,
): void {
  let pv = v128.load(p + o);
  let gv = v128.load(g + o);
  if (mode == DECAY_L2) gv = f32x4.add(gv, f32x4.mul(pv, wd));
  else if (mode != DECAY_NONE) pv = f32x4.mul(pv, pScale);
  const gm = f32x4.mul(gv, omb1);
  const mv = first ? gm : f32x4.add(f32x4.mul(v128.load(m + o), b1), gm);
  const gg = f32x4.mul(f32x4.mul(gv, omb2), gv);
  const vv = first ? gg : f32x4.add(f32x4.mul(v128.load(v + o), b2), gg);
  const denom = f32x4.add(f32x4.div(f32x4.sqrt(vv), bias2), eps);
  v128.store(outP + o, f32x4.add(pv, f32x4.div(f32x4.mul(mv, negStep), denom)));
  v128.store(outM + o, mv);
  v128.store(outV + o, vv);
}

/**
 * The scalars of one Adam step, as src/kernels/optim.ts writes them into memory once per call (rounded to f32 by
 * the Float32Array store, as an f32 argument would be): mode 0 no decay, 1 L2 (g += p*wd), 2 decoupled
 * (p *= pScale); `first` (0/1): the moments start at zero (m, v not read).
 */
@unmanaged
export class AdamParams {
  pScale: f32;
  wd: f32;
  b1: f32;
  omb1: f32;
  b2: f32;
  omb2: f32;
  bias2: f32;
  eps: f32;
  negStep: f32;
  mode: i32;
  first: i32;
}

/** One Adam step over n elements with the scalars at `params` (an AdamParams). */
export function adamUpdate(
  params: usize, p: usize, g: usize, m: usize, v: usize, outP: usize, outM: usize, outV: usize, n: i32,
): void {
  const s = changetype<AdamParams>(params);
  const pScale = s.pScale, wd = s.wd, b1 = s.b1, omb1 = s.omb1, b2 = s.b2, omb2 = s.omb2;
  const bias2 = s.bias2, eps = s.eps, negStep = s.negStep, mode = s.mode;
  const first = s.first != 0;
  let i = 0;
  const pScaleV = f32x4.splat(pScale);
  const wdV = f32x4.splat(wd);
  const b1V = f32x4.splat(b1);
  const omb1V = f32x4.splat(omb1);
  const b2V = f32x4.splat(b2);
  const omb2V = f32x4.splat(omb2);
  const bias2V = f32x4.splat(bias2);
  const epsV = f32x4.splat(eps);
  const negStepV = f32x4.splat(negStep);
  for (; i + 4 <= n; i += 4) {
    adamLanes(<usize>i << 2, p, g, m, v, outP, outM, outV, mode, first,
      pScaleV, wdV, b1V, omb1V, b2V, omb2V, bias2V, epsV, negStepV);
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    let pi = load<f32>(p + o);
    let gi = load<f32>(g + o);
    if (mode == DECAY_L2) gi = gi + pi * wd;
    else if (mode != DECAY_NONE) pi = pi * pScale;
    const gm = gi * omb1;
    const mi = first ? gm : load<f32>(m + o) * b1 + gm;
    const gg = gi * omb2 * gi;
    const vi = first ? gg : load<f32>(v + o) * b2 + gg;
    const denom = Mathf.sqrt(vi) / bias2 + eps;
    store<f32>(outP + o, pi + (mi * negStep) / denom);
    store<f32>(outM + o, mi);
    store<f32>(outV + o, vi);
  }
}

/** The scalars and flags (0/1) of one SGD step, written into memory once per call by src/kernels/optim.ts. */
@unmanaged
export class SgdParams {
  wd: f32;
  mom: f32;
  omd: f32;
  lr: f32;
  decay: i32;
  momentum: i32;
  first: i32;
  nesterov: i32;
}

/**
 * One SGD step over n elements with the scalars at `params` (an SgdParams): d = g (+ p*wd when `decay`); with
 * `momentum`: b = first ? d : buf*mom + d*omd, stored to outBuf, then d = nesterov ? d + b*mom : b; p' = p - d*lr.
 */
export function sgdUpdate(params: usize, p: usize, g: usize, buf: usize, outP: usize, outBuf: usize, n: i32): void {
  const s = changetype<SgdParams>(params);
  const wd = s.wd, mom = s.mom, omd = s.omd, lr = s.lr;
  const decay = s.decay != 0, momentum = s.momentum != 0, first = s.first != 0, nesterov = s.nesterov != 0;
  let i = 0;
  const wdV = f32x4.splat(wd);
  const momV = f32x4.splat(mom);
  const omdV = f32x4.splat(omd);
  const lrV = f32x4.splat(lr);
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const pv = v128.load(p + o);
    let d = v128.load(g + o);
    if (decay) d = f32x4.add(d, f32x4.mul(pv, wdV));
    if (momentum) {
      const b = first ? d : f32x4.add(f32x4.mul(v128.load(buf + o), momV), f32x4.mul(d, omdV));
      v128.store(outBuf + o, b);
      d = nesterov ? f32x4.add(d, f32x4.mul(b, momV)) : b;
    }
    v128.store(outP + o, f32x4.sub(pv, f32x4.mul(d, lrV)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const pi = load<f32>(p + o);
    let d = load<f32>(g + o);
    if (decay) d = d + pi * wd;
    if (momentum) {
      const b = first ? d : load<f32>(buf + o) * mom + d * omd;
      store<f32>(outBuf + o, b);
      d = nesterov ? d + b * mom : b;
    }
    store<f32>(outP + o, pi - d * lr);
  }
}
