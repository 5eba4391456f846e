// 2-D max/average pooling over float32 NCHW planes, forward and backward. Windows are clipped to the image:
// padding cells are never read (max pads with -Infinity, average counts them in the divisor, as PyTorch's
// count_include_pad=True does).

// Flat index (within the plane) of the first maximum of a window, NaN winning; -1 when the window is empty.
// @ts-ignore: decorator
@inline
function windowArgMax(plane: usize, W: i32, h0: i32, h1: i32, w0: i32, w1: i32): i32 {
  let best: f32 = -Infinity;
  let at = -1;
  for (let h = h0; h < h1; h++) {
    for (let w = w0; w < w1; w++) {
      const i = h * W + w;
      const v = load<f32>(plane + (<usize>i << 2));
      if (v > best || at < 0 || v != v) {
        best = v;
        at = i;
        if (v != v) return at;
      }
    }
  }
  return at;
}

/**
 * The geometry of one pooling, as the JS side writes it into memory (src/kernels/pool.ts, from the spec's resolved
 * shapes): [H, W] planes pooled by kH x kW windows with stride sH x sW and padding top/left into [oH, oW].
 */
@unmanaged
export class PoolShape {
  H: i32;
  W: i32;
  oH: i32;
  oW: i32;
  kH: i32;
  kW: i32;
  sH: i32;
  sW: i32;
  padTop: i32;
  padLeft: i32;
}

/**
 * mode 0: max pool forward; 1: average pool forward; 2: max pool backward (dx += dy routed to the first max,
 * `x` is the forward input); 3: average pool backward (dx += dy / window). Backward modes expect `dx` zeroed.
 * `shape` points to the PoolShape; `src` is x (modes 0, 1, 2) and `dy` is the output gradient (modes 2, 3).
 */
export function pool2d(shape: usize, mode: i32, src: usize, dy: usize, out: usize, planes: i32): void {
  const s = changetype<PoolShape>(shape);
  const H = s.H, W = s.W, oH = s.oH, oW = s.oW, kH = s.kH, kW = s.kW;
  const sH = s.sH, sW = s.sW, padTop = s.padTop, padLeft = s.padLeft;
  const planeBytes = <usize>(H * W) << 2;
  const divisor = <f32>(kH * kW);
  let o: usize = 0;
  for (let p = 0; p < planes; p++) {
    const plane = src + <usize>p * planeBytes;
    const dxPlane = out + <usize>p * planeBytes;
    for (let oh = 0; oh < oH; oh++) {
      const top = oh * sH - padTop;
      const h0 = max(0, top);
      const h1 = min(H, top + kH);
      for (let ow = 0; ow < oW; ow++, o++) {
        const left = ow * sW - padLeft;
        const w0 = max(0, left);
        const w1 = min(W, left + kW);
        if (mode == 0) {
          const at = windowArgMax(plane, W, h0, h1, w0, w1);
          store<f32>(out + (o << 2), at < 0 ? -Infinity : load<f32>(plane + (<usize>at << 2)));
        } else if (mode == 1) {
          let sum: f32 = 0;
          for (let h = h0; h < h1; h++) {
            for (let w = w0; w < w1; w++) sum += load<f32>(plane + (<usize>(h * W + w) << 2));
          }
          store<f32>(out + (o << 2), sum / divisor);
        } else if (mode == 2) {
          const at = windowArgMax(plane, W, h0, h1, w0, w1);
          if (at >= 0) {
            const d = dxPlane + (<usize>at << 2);
            store<f32>(d, load<f32>(d) + load<f32>(dy + (o << 2)));
          }
        } else {
          const share = load<f32>(dy + (o << 2)) / divisor;
          for (let h = h0; h < h1; h++) {
            for (let w = w0; w < w1; w++) {
              const d = dxPlane + (<usize>(h * W + w) << 2);
              store<f32>(d, load<f32>(d) + share);
            }
          }
        }
      }
    }
  }
}

// Index (0..3: top-left, top-right, bottom-left, bottom-right) of the first maximum of a 2x2 window, NaN
// winning, the same choice windowArgMax makes.
// @ts-ignore: decorator
@inline
function argMax4(a: f32, b: f32, c: f32, d: f32): i32 {
  if (a != a) return 0;
  let best = a;
  let at = 0;
  if (b > best || b != b) {
    if (b != b) return 1;
    best = b;
    at = 1;
  }
  if (c > best || c != c) {
    if (c != c) return 2;
    best = c;
    at = 2;
  }
  if (d > best || d != d) return 3;
  return at;
}

// Four adjacent 2x2 windows at once: `a`..`d` hold the windows' top-left, top-right, bottom-left and
// bottom-right values. Returns false (nothing written) when a NaN is among them: the scalar path decides those.
// @ts-ignore: decorator
@inline
function maxPool4Windows(mode: i32, r0: usize, r1: usize, g: usize, d0: usize, d1: usize, out: usize): bool {
  const t0 = v128.load(r0);
  const t1 = v128.load(r0, 16);
  const u0 = v128.load(r1);
  const u1 = v128.load(r1, 16);
  const a = v128.shuffle<f32>(t0, t1, 0, 2, 4, 6);
  const b = v128.shuffle<f32>(t0, t1, 1, 3, 5, 7);
  const c = v128.shuffle<f32>(u0, u1, 0, 2, 4, 6);
  const d = v128.shuffle<f32>(u0, u1, 1, 3, 5, 7);
  const nan = v128.or(v128.or(f32x4.ne(a, a), f32x4.ne(b, b)), v128.or(f32x4.ne(c, c), f32x4.ne(d, d)));
  if (v128.any_true(nan)) return false;
  // Strictly greater replaces: the first maximum wins, as in windowArgMax.
  const gb = f32x4.gt(b, a);
  let m = v128.bitselect(b, a, gb);
  const gc = f32x4.gt(c, m);
  m = v128.bitselect(c, m, gc);
  const gd = f32x4.gt(d, m);
  m = v128.bitselect(d, m, gd);
  if (mode == 0) {
    v128.store(out, m);
    return true;
  }
  const dy = v128.load(g);
  const selC = v128.andnot(gc, gd);
  const selB = v128.andnot(v128.andnot(gb, gc), gd);
  const selA = v128.not(v128.or(v128.or(gb, gc), gd));
  const va = v128.and(dy, selA);
  const vb = v128.and(dy, selB);
  const vc = v128.and(dy, selC);
  const vd = v128.and(dy, gd);
  v128.store(d0, v128.shuffle<f32>(va, vb, 0, 4, 1, 5));
  v128.store(d0, v128.shuffle<f32>(va, vb, 2, 6, 3, 7), 16);
  v128.store(d1, v128.shuffle<f32>(vc, vd, 0, 4, 1, 5));
  v128.store(d1, v128.shuffle<f32>(vc, vd, 2, 6, 3, 7), 16);
  return true;
}

/**
 * The common 2x2, stride-2, unpadded max pool (LeNet, VGG): mode 0 forward, mode 2 backward. Windows do not
 * overlap, so the backward writes every dx cell once (dy at the window's first maximum, 0 elsewhere) and
 * needs no zeroed dx; only a trailing odd row/column (in no window) is cleared. Four windows per SIMD step,
 * branch-free (random data makes a compare-and-branch chain mispredict constantly).
 */
export function maxPool2x2(mode: i32, src: usize, dy: usize, out: usize, planes: i32, H: i32, W: i32): void {
  const oH = H >> 1;
  const oW = W >> 1;
  const planeBytes = <usize>(H * W) << 2;
  const rowBytes = <usize>W << 2;
  let o: usize = 0;
  for (let p = 0; p < planes; p++) {
    const plane = src + <usize>p * planeBytes;
    const dxPlane = out + <usize>p * planeBytes;
    for (let oh = 0; oh < oH; oh++) {
      const r0 = plane + <usize>(2 * oh) * rowBytes;
      const r1 = r0 + rowBytes;
      const d0 = dxPlane + <usize>(2 * oh) * rowBytes;
      const d1 = d0 + rowBytes;
      let ow = 0;
      for (; ow + 4 <= oW; ow += 4, o += 4) {
        const off = <usize>ow << 3;
        if (!maxPool4Windows(mode, r0 + off, r1 + off, dy + (o << 2), d0 + off, d1 + off, out + (o << 2))) break;
      }
      for (; ow < oW; ow++, o++) {
        const off = <usize>ow << 3;
        const a = load<f32>(r0 + off);
        const b = load<f32>(r0 + off, 4);
        const c = load<f32>(r1 + off);
        const d = load<f32>(r1 + off, 4);
        const at = argMax4(a, b, c, d);
        if (mode == 0) {
          store<f32>(out + (o << 2), at == 0 ? a : at == 1 ? b : at == 2 ? c : d);
        } else {
          const g = load<f32>(dy + (o << 2));
          store<f32>(d0 + off, at == 0 ? g : 0);
          store<f32>(d0 + off, at == 1 ? g : 0, 4);
          store<f32>(d1 + off, at == 2 ? g : 0);
          store<f32>(d1 + off, at == 3 ? g : 0, 4);
        }
      }
      if (mode != 0 && (W & 1) != 0) {
        store<f32>(d0 + rowBytes - 4, 0);
        store<f32>(d1 + rowBytes - 4, 0);
      }
    }
    if (mode != 0 && (H & 1) != 0) memory.fill(dxPlane + <usize>(H - 1) * rowBytes, 0, rowBytes);
  }
}
