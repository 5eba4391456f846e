// 2-D convolution (NCHW, weights [O, C, kH, kW]) as GEMMs over im2col matrices, one image at a time so the
// column buffer holds one image's patches:
//   forward:     y[n]  = W [O, C*kH*kW] @ cols(x[n]) [C*kH*kW, P]      (P = oH * oW)
//   filter grad: dW   += dy[n] [O, P] @ cols(x[n])^T
//   input grad:  dx[n] = col2im(W^T @ dy[n])
import { gemm } from './matmul';

/** Writes the [C*kH*kW, oH*oW] patch matrix of one image into `cols`; padding reads as 0. */
function im2col(
  x: usize,
  C: i32,
  H: i32,
  W: i32,
  kH: i32,
  kW: i32,
  sH: i32,
  sW: i32,
  padTop: i32,
  padLeft: i32,
  oH: i32,
  oW: i32,
  cols: usize,
): void {
  let dst = cols;
  for (let c = 0; c < C; c++) {
    const plane = x + ((<usize>(c * H * W)) << 2);
    for (let ki = 0; ki < kH; ki++) {
      for (let kj = 0; kj < kW; kj++) {
        for (let oh = 0; oh < oH; oh++) {
          const ih = oh * sH - padTop + ki;
          if (ih < 0 || ih >= H) {
            for (let ow = 0; ow < oW; ow++) store<f32>(dst + ((<usize>ow) << 2), 0);
            dst += (<usize>oW) << 2;
            continue;
          }
          const row = plane + ((<usize>(ih * W)) << 2);
          let iw = kj - padLeft;
          if (sW == 1) {
            // [zeros left of the image][a contiguous run][zeros right of it], copied without a call out of
            // wasm: memory.copy/fill cost more than these short rows take to move.
            const lead = min(oW, max(0, -iw));
            const end = min(oW, W - iw);
            let ow = 0;
            for (; ow < lead; ow++) store<f32>(dst + ((<usize>ow) << 2), 0);
            const src = row + ((<usize>iw) << 2);
            for (; ow + 4 <= end; ow += 4) v128.store(dst + ((<usize>ow) << 2), v128.load(src + ((<usize>ow) << 2)));
            for (; ow < end; ow++) store<f32>(dst + ((<usize>ow) << 2), load<f32>(src + ((<usize>ow) << 2)));
            for (; ow < oW; ow++) store<f32>(dst + ((<usize>ow) << 2), 0);
            dst += (<usize>oW) << 2;
            continue;
          }
          for (let ow = 0; ow < oW; ow++, iw += sW) {
            store<f32>(dst, iw >= 0 && iw < W ? load<f32>(row + ((<usize>iw) << 2)) : 0);
            dst += 4;
          }
        }
      }
    }
  }
}

/** The adjoint of im2col: adds every entry of `cols` onto the pixel it was read from (dx must be zeroed). */
function col2im(
  cols: usize,
  C: i32,
  H: i32,
  W: i32,
  kH: i32,
  kW: i32,
  sH: i32,
  sW: i32,
  padTop: i32,
  padLeft: i32,
  oH: i32,
  oW: i32,
  dx: usize,
): void {
  let src = cols;
  for (let c = 0; c < C; c++) {
    const plane = dx + ((<usize>(c * H * W)) << 2);
    for (let ki = 0; ki < kH; ki++) {
      for (let kj = 0; kj < kW; kj++) {
        for (let oh = 0; oh < oH; oh++) {
          const ih = oh * sH - padTop + ki;
          if (ih < 0 || ih >= H) {
            src += (<usize>oW) << 2;
            continue;
          }
          const row = plane + ((<usize>(ih * W)) << 2);
          const iw0 = kj - padLeft;
          if (sW == 1) {
            // Only [lead, end) of the row lands inside the image; add it four lanes at a time.
            const lead = min(oW, max(0, -iw0));
            const end = min(oW, W - iw0);
            const d = row + ((<usize>iw0) << 2);
            let ow = lead;
            for (; ow + 4 <= end; ow += 4) {
              const o = (<usize>ow) << 2;
              v128.store(d + o, f32x4.add(v128.load(d + o), v128.load(src + o)));
            }
            for (; ow < end; ow++) {
              const o = (<usize>ow) << 2;
              store<f32>(d + o, load<f32>(d + o) + load<f32>(src + o));
            }
            src += (<usize>oW) << 2;
            continue;
          }
          for (let ow = 0, iw = iw0; ow < oW; ow++, iw += sW) {
            if (iw >= 0 && iw < W) {
              const d = row + ((<usize>iw) << 2);
              store<f32>(d, load<f32>(d) + load<f32>(src));
            }
            src += 4;
          }
        }
      }
    }
  }
}

/**
 * mode 0: y = conv(x, w); mode 1: dW = filter gradient from x and dy (written to `out`);
 * mode 2: dx = input gradient from dy and w (written to `out`, which this zeroes).
 * `a` is x (modes 0, 1) or dy (mode 2); `b` is w (modes 0, 2) or dy (mode 1).
 * `cols` holds C*kH*kW*oH*oW floats (mode 1: plus O*C*kH*kW); `scratch` is the GEMM's packing scratch.
 */
export function conv2d(
  mode: i32,
  a: usize,
  b: usize,
  out: usize,
  N: i32,
  C: i32,
  H: i32,
  W: i32,
  O: i32,
  kH: i32,
  kW: i32,
  sH: i32,
  sW: i32,
  padTop: i32,
  padLeft: i32,
  oH: i32,
  oW: i32,
  cols: usize,
  scratch: usize,
): void {
  const P = oH * oW;
  const patch = C * kH * kW;
  const imageBytes = (<usize>(C * H * W)) << 2;
  const outImageBytes = (<usize>(O * P)) << 2;
  if (mode == 2) memory.fill(out, 0, imageBytes * <usize>N);
  // Mode 1 accumulates the transposed filter gradient after the column buffer, then transposes it into out.
  const dWT = cols + ((<usize>(patch * P)) << 2);
  for (let n = 0; n < N; n++) {
    if (mode == 0) {
      im2col(a + <usize>n * imageBytes, C, H, W, kH, kW, sH, sW, padTop, padLeft, oH, oW, cols);
      gemm(b, patch, 1, cols, P, 1, out + <usize>n * outImageBytes, P, O, P, patch, false, scratch);
    } else if (mode == 1) {
      im2col(a + <usize>n * imageBytes, C, H, W, kH, kW, sH, sW, padTop, padLeft, oH, oW, cols);
      // dW^T [patch, O] (+)= cols [patch, P] @ dy[n]^T [P, O]: cols is A, whose rows pack contiguously
      // (as B, cols^T would be packed by strided scalar loads); dy^T is the small operand.
      gemm(cols, P, 1, b + <usize>n * outImageBytes, 1, P, dWT, O, patch, O, P, n > 0, scratch);
    } else {
      // dcols [patch, P] = W^T [patch, O] @ dy[n] [O, P]
      gemm(b, 1, patch, a + <usize>n * outImageBytes, P, 1, cols, P, patch, P, O, false, scratch);
      col2im(cols, C, H, W, kH, kW, sH, sW, padTop, padLeft, oH, oW, out + <usize>n * imageBytes);
    }
  }
  if (mode == 1) {
    if (N == 0) memory.fill(dWT, 0, (<usize>(O * patch)) << 2);
    for (let o = 0; o < O; o++) {
      for (let j = 0; j < patch; j++) store<f32>(out + (<usize>(o * patch + j) << 2), load<f32>(dWT + (<usize>(j * O + o) << 2)));
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// Direct convolution for stride 1 (modes 3 and 4 of conv2d). im2col + GEMM wastes most of its time on small
// layers (LeNet's 1->6 and 6->16, 5x5): the column matrix is written, packed again, and the GEMM's panels are
// mostly edges. Here each image is copied once into a zero-padded buffer whose rows are wide enough for
// whole SIMD vectors, and the taps are applied straight from it:
//   forward:     y[o, oh, ow..ow+7] += w[o, c, ki, kj] * xp[c, oh+ki, ow+kj..]    4 channels x 8 columns a step
//   filter grad: dW[o, c, ki, kj]   += sum over (oh, ow) of dy[o, oh, ow] * xp[c, oh+ki, ow+kj]
// Columns past the output's width are computed from zeros and dropped (forward) or multiply zeros (filter
// grad), so no step needs a scalar edge case.

/** Floats per padded row: whole 16-column chunks of output plus the kernel's reach (kW - 1). */
// @ts-ignore: decorator
@inline
function paddedRow(oW: i32, kW: i32): i32 {
  return ((oW + 15) & ~15) + kW - 1;
}

/** Copies image x [C, H, W] into xp [C, oH + kH - 1, Ws], zero outside the image. */
function padImage(x: usize, C: i32, H: i32, W: i32, padTop: i32, padLeft: i32, Hp: i32, Ws: i32, xp: usize): void {
  const wsBytes = (<usize>Ws) << 2;
  memory.fill(xp, 0, <usize>(C * Hp) * wsBytes);
  const copyW = min(W, Ws - padLeft);
  if (copyW <= 0) return;
  for (let c = 0; c < C; c++) {
    for (let r = 0; r < Hp; r++) {
      const ih = r - padTop;
      if (ih < 0 || ih >= H) continue;
      const src = x + ((<usize>((c * H + ih) * W)) << 2);
      const dst = xp + <usize>(c * Hp + r) * wsBytes + ((<usize>padLeft) << 2);
      let j = 0;
      for (; j + 4 <= copyW; j += 4) v128.store(dst + ((<usize>j) << 2), v128.load(src + ((<usize>j) << 2)));
      for (; j < copyW; j++) store<f32>(dst + ((<usize>j) << 2), load<f32>(src + ((<usize>j) << 2)));
    }
  }
}

/**
 * Weights [O, patch] regrouped for the forward pass: per block of 4 output channels, per tap, the 4 channels'
 * weights side by side (channels past O are 0). `dst` holds ceil(O / 4) * patch * 4 floats.
 */
function packWeights(w: usize, O: i32, patch: i32, dst: usize): void {
  for (let ob = 0; ob < O; ob += 4) {
    for (let t = 0; t < patch; t++) {
      for (let r = 0; r < 4; r++) {
        const o = ob + r;
        store<f32>(dst, o < O ? load<f32>(w + ((<usize>(o * patch + t)) << 2)) : 0);
        dst += 4;
      }
    }
  }
}

/** Stores `count` (1..4) channels' rows of a computed vector pair at y + column offset, `cols` (1..8) columns. */
// @ts-ignore: decorator
@inline
function storeRows8(
  y: usize, planeBytes: usize, count: i32, cols: i32,
  a0: v128, b0: v128, a1: v128, b1: v128, a2: v128, b2: v128, a3: v128, b3: v128, tile: usize,
): void {
  if (cols == 8) {
    v128.store(y, a0);
    v128.store(y, b0, 16);
    if (count > 1) { v128.store(y + planeBytes, a1); v128.store(y + planeBytes, b1, 16); }
    if (count > 2) { v128.store(y + 2 * planeBytes, a2); v128.store(y + 2 * planeBytes, b2, 16); }
    if (count > 3) { v128.store(y + 3 * planeBytes, a3); v128.store(y + 3 * planeBytes, b3, 16); }
    return;
  }
  v128.store(tile, a0);
  v128.store(tile, b0, 16);
  v128.store(tile, a1, 32);
  v128.store(tile, b1, 48);
  v128.store(tile, a2, 64);
  v128.store(tile, b2, 80);
  v128.store(tile, a3, 96);
  v128.store(tile, b3, 112);
  for (let r = 0; r < count; r++) {
    const dst = y + <usize>r * planeBytes;
    const src = tile + ((<usize>(r * 8)) << 2);
    for (let j = 0; j < cols; j++) store<f32>(dst + ((<usize>j) << 2), load<f32>(src + ((<usize>j) << 2)));
  }
}

/** Forward pass of one padded image: y [O, oH, oW] from xp [C, Hp, Ws] and packed weights. */
function directForward(
  xp: usize, C: i32, Hp: i32, Ws: i32, kH: i32, kW: i32,
  wp: usize, O: i32, y: usize, oH: i32, oW: i32, tile: usize,
): void {
  const patch = C * kH * kW;
  const wsBytes = (<usize>Ws) << 2;
  const planeIn = <usize>Hp * wsBytes;
  const planeOut = (<usize>(oH * oW)) << 2;
  const oWr = (oW + 3) & ~3;
  for (let ob = 0; ob < O; ob += 4) {
    const count = min(4, O - ob);
    const wb = wp + ((<usize>(ob * patch)) << 2);
    const yb = y + <usize>ob * planeOut;
    if (count <= 2) {
      forwardPair(xp, C, planeIn, wsBytes, kH, kW, wb, count, yb, planeOut, oH, oW, tile);
      continue;
    }
    for (let oh = 0; oh < oH; oh++) {
      const xRow = xp + <usize>oh * wsBytes;
      const yRow = yb + ((<usize>(oh * oW)) << 2);
      let ow = 0;
      for (; ow + 8 <= oWr; ow += 8) {
        let a0 = f32x4.splat(0), b0 = f32x4.splat(0), a1 = f32x4.splat(0), b1 = f32x4.splat(0);
        let a2 = f32x4.splat(0), b2 = f32x4.splat(0), a3 = f32x4.splat(0), b3 = f32x4.splat(0);
        let wt = wb;
        let plane = xRow + ((<usize>ow) << 2);
        for (let c = 0; c < C; c++, plane += planeIn) {
          let row = plane;
          for (let ki = 0; ki < kH; ki++, row += wsBytes) {
            let px = row;
            for (let kj = 0; kj < kW; kj++, px += 4, wt += 16) {
              const x0 = v128.load(px);
              const x1 = v128.load(px, 16);
              let w = v128.load32_splat(wt);
              a0 = f32x4.add(a0, f32x4.mul(w, x0));
              b0 = f32x4.add(b0, f32x4.mul(w, x1));
              w = v128.load32_splat(wt, 4);
              a1 = f32x4.add(a1, f32x4.mul(w, x0));
              b1 = f32x4.add(b1, f32x4.mul(w, x1));
              w = v128.load32_splat(wt, 8);
              a2 = f32x4.add(a2, f32x4.mul(w, x0));
              b2 = f32x4.add(b2, f32x4.mul(w, x1));
              w = v128.load32_splat(wt, 12);
              a3 = f32x4.add(a3, f32x4.mul(w, x0));
              b3 = f32x4.add(b3, f32x4.mul(w, x1));
            }
          }
        }
        storeRows8(yRow + ((<usize>ow) << 2), planeOut, count, min(8, oW - ow), a0, b0, a1, b1, a2, b2, a3, b3, tile);
      }
      if (ow < oWr) {
        // The last 4 columns (oWr is a multiple of 4).
        let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
        let wt = wb;
        let plane = xRow + ((<usize>ow) << 2);
        for (let c = 0; c < C; c++, plane += planeIn) {
          let row = plane;
          for (let ki = 0; ki < kH; ki++, row += wsBytes) {
            let px = row;
            for (let kj = 0; kj < kW; kj++, px += 4, wt += 16) {
              const x0 = v128.load(px);
              a0 = f32x4.add(a0, f32x4.mul(v128.load32_splat(wt), x0));
              a1 = f32x4.add(a1, f32x4.mul(v128.load32_splat(wt, 4), x0));
              a2 = f32x4.add(a2, f32x4.mul(v128.load32_splat(wt, 8), x0));
              a3 = f32x4.add(a3, f32x4.mul(v128.load32_splat(wt, 12), x0));
            }
          }
        }
        const z = f32x4.splat(0);
        storeRows8(yRow + ((<usize>ow) << 2), planeOut, count, oW - ow, a0, z, a1, z, a2, z, a3, z, tile);
      }
    }
  }
}

/**
 * The forward pass for a last block of 1 or 2 output channels (O = 6 leaves 2): 2 channels x 16 columns a
 * step, so no arithmetic goes to channels that do not exist. Packed weights keep their 4-wide stride.
 */
function forwardPair(
  xp: usize, C: i32, planeIn: usize, wsBytes: usize, kH: i32, kW: i32,
  wb: usize, count: i32, yb: usize, planeOut: usize, oH: i32, oW: i32, tile: usize,
): void {
  for (let oh = 0; oh < oH; oh++) {
    const xRow = xp + <usize>oh * wsBytes;
    const yRow = yb + ((<usize>(oh * oW)) << 2);
    for (let ow = 0; ow < oW; ow += 16) {
      let a0 = f32x4.splat(0), b0 = f32x4.splat(0), c0 = f32x4.splat(0), d0 = f32x4.splat(0);
      let a1 = f32x4.splat(0), b1 = f32x4.splat(0), c1 = f32x4.splat(0), d1 = f32x4.splat(0);
      let wt = wb;
      let plane = xRow + ((<usize>ow) << 2);
      for (let c = 0; c < C; c++, plane += planeIn) {
        let row = plane;
        for (let ki = 0; ki < kH; ki++, row += wsBytes) {
          let px = row;
          for (let kj = 0; kj < kW; kj++, px += 4, wt += 16) {
            const w0 = v128.load32_splat(wt);
            const w1 = v128.load32_splat(wt, 4);
            let x = v128.load(px);
            a0 = f32x4.add(a0, f32x4.mul(w0, x));
            a1 = f32x4.add(a1, f32x4.mul(w1, x));
            x = v128.load(px, 16);
            b0 = f32x4.add(b0, f32x4.mul(w0, x));
            b1 = f32x4.add(b1, f32x4.mul(w1, x));
            x = v128.load(px, 32);
            c0 = f32x4.add(c0, f32x4.mul(w0, x));
            c1 = f32x4.add(c1, f32x4.mul(w1, x));
            x = v128.load(px, 48);
            d0 = f32x4.add(d0, f32x4.mul(w0, x));
            d1 = f32x4.add(d1, f32x4.mul(w1, x));
          }
        }
      }
      const cols = min(16, oW - ow);
      const dst = yRow + ((<usize>ow) << 2);
      const z = f32x4.splat(0);
      storeRows8(dst, planeOut, count, min(8, cols), a0, b0, a1, b1, z, z, z, z, tile);
      if (cols > 8) storeRows8(dst + 32, planeOut, count, cols - 8, c0, d0, c1, d1, z, z, z, z, tile);
    }
  }
}

// @ts-ignore: decorator
@inline
function hsum(v: v128): f32 {
  const s = f32x4.add(v, v128.shuffle<f32>(v, v, 2, 3, 0, 1));
  return f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 1);
}

/**
 * Filter gradient of one padded image, added into dW [O, C, kH, kW]: dyp [O4, oH, oWr] has zero columns past oW
 * and zero channels past O (O4 = O rounded up to 4). Per step 4 channels x 2 taps, over 4 output columns; the
 * lanes are summed at the end. (Vectorising over channels instead, with the taps' inputs splatted, measured
 * 3x slower in V8.)
 */
function directFilterGrad(
  xp: usize, C: i32, Hp: i32, Ws: i32, kH: i32, kW: i32,
  dyp: usize, O: i32, oH: i32, oWr: i32, dW: usize,
): void {
  const patch = C * kH * kW;
  const wsBytes = (<usize>Ws) << 2;
  const planeIn = <usize>Hp * wsBytes;
  const dyRowBytes = (<usize>oWr) << 2;
  const dyPlane = <usize>oH * dyRowBytes;
  const pb = (<usize>patch) << 2;
  for (let ob = 0; ob < O; ob += 4) {
    const count = min(4, O - ob);
    const d0p = dyp + <usize>ob * dyPlane;
    for (let c = 0; c < C; c++) {
      for (let ki = 0; ki < kH; ki++) {
        const xBase = xp + <usize>c * planeIn + <usize>ki * wsBytes;
        let kj = 0;
        for (; kj + 2 <= kW; kj += 2) {
          let s00 = f32x4.splat(0), s01 = f32x4.splat(0), s10 = f32x4.splat(0), s11 = f32x4.splat(0);
          let s20 = f32x4.splat(0), s21 = f32x4.splat(0), s30 = f32x4.splat(0), s31 = f32x4.splat(0);
          for (let oh = 0; oh < oH; oh++) {
            const dRow = d0p + <usize>oh * dyRowBytes;
            const xRow = xBase + <usize>oh * wsBytes + ((<usize>kj) << 2);
            for (let ow = 0; ow < oWr; ow += 4) {
              const o4 = (<usize>ow) << 2;
              const d = dRow + o4;
              const d0 = v128.load(d);
              const d1 = v128.load(d + dyPlane);
              const d2 = v128.load(d + 2 * dyPlane);
              const d3 = v128.load(d + 3 * dyPlane);
              let x = v128.load(xRow + o4);
              s00 = f32x4.add(s00, f32x4.mul(d0, x));
              s10 = f32x4.add(s10, f32x4.mul(d1, x));
              s20 = f32x4.add(s20, f32x4.mul(d2, x));
              s30 = f32x4.add(s30, f32x4.mul(d3, x));
              x = v128.load(xRow + o4, 4);
              s01 = f32x4.add(s01, f32x4.mul(d0, x));
              s11 = f32x4.add(s11, f32x4.mul(d1, x));
              s21 = f32x4.add(s21, f32x4.mul(d2, x));
              s31 = f32x4.add(s31, f32x4.mul(d3, x));
            }
          }
          const out = dW + ((<usize>(ob * patch + (c * kH + ki) * kW + kj)) << 2);
          store<f32>(out, load<f32>(out) + hsum(s00));
          store<f32>(out, load<f32>(out, 4) + hsum(s01), 4);
          if (count > 1) {
            store<f32>(out + pb, load<f32>(out + pb) + hsum(s10));
            store<f32>(out + pb, load<f32>(out + pb, 4) + hsum(s11), 4);
          }
          if (count > 2) {
            store<f32>(out + 2 * pb, load<f32>(out + 2 * pb) + hsum(s20));
            store<f32>(out + 2 * pb, load<f32>(out + 2 * pb, 4) + hsum(s21), 4);
          }
          if (count > 3) {
            store<f32>(out + 3 * pb, load<f32>(out + 3 * pb) + hsum(s30));
            store<f32>(out + 3 * pb, load<f32>(out + 3 * pb, 4) + hsum(s31), 4);
          }
        }
        if (kj < kW) {
          let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0), s3 = f32x4.splat(0);
          for (let oh = 0; oh < oH; oh++) {
            const dRow = d0p + <usize>oh * dyRowBytes;
            const xRow = xBase + <usize>oh * wsBytes + ((<usize>kj) << 2);
            for (let ow = 0; ow < oWr; ow += 4) {
              const o4 = (<usize>ow) << 2;
              const d = dRow + o4;
              const x = v128.load(xRow + o4);
              s0 = f32x4.add(s0, f32x4.mul(v128.load(d), x));
              s1 = f32x4.add(s1, f32x4.mul(v128.load(d + dyPlane), x));
              s2 = f32x4.add(s2, f32x4.mul(v128.load(d + 2 * dyPlane), x));
              s3 = f32x4.add(s3, f32x4.mul(v128.load(d + 3 * dyPlane), x));
            }
          }
          const out = dW + ((<usize>(ob * patch + (c * kH + ki) * kW + kj)) << 2);
          store<f32>(out, load<f32>(out) + hsum(s0));
          if (count > 1) store<f32>(out + pb, load<f32>(out + pb) + hsum(s1));
          if (count > 2) store<f32>(out + 2 * pb, load<f32>(out + 2 * pb) + hsum(s2));
          if (count > 3) store<f32>(out + 3 * pb, load<f32>(out + 3 * pb) + hsum(s3));
        }
      }
    }
  }
}

/** Floats of work buffer directConv needs (its padded image, packed weights or padded dy, and a tile). */
export function directConvWorkFloats(C: i32, O: i32, kH: i32, kW: i32, oH: i32, oW: i32): i32 {
  const Hp = oH + kH - 1;
  const Ws = paddedRow(oW, kW);
  const O4 = (O + 3) & ~3;
  const oWr = (oW + 3) & ~3;
  return C * Hp * Ws + O4 * max(C * kH * kW, oH * oWr) + 32;
}

/**
 * Weights [O, C, kH, kW] as the input gradient's forward weights [C, O, kH, kW], rotated by 180 degrees,
 * packed like packWeights: dx = conv(dy padded by kH-1-padTop / kW-1-padLeft, w').
 */
function packFlippedWeights(w: usize, O: i32, C: i32, kH: i32, kW: i32, dst: usize): void {
  const taps = kH * kW;
  for (let cb = 0; cb < C; cb += 4) {
    for (let o = 0; o < O; o++) {
      for (let t = 0; t < taps; t++) {
        const flipped = taps - 1 - t;
        for (let r = 0; r < 4; r++) {
          const c = cb + r;
          store<f32>(dst, c < C ? load<f32>(w + ((<usize>((o * C + c) * taps + flipped)) << 2)) : 0);
          dst += 4;
        }
      }
    }
  }
}

/**
 * Stride-1 convolution of N images by direct loops. mode 3: y = conv(x, w); mode 4: dW = filter gradient of x
 * and dy (written to `out`); mode 5: dx = input gradient of dy and w (`a` is dy, `b` is w; needs
 * padTop < kH and padLeft < kW). `work` holds directConvWorkFloats() floats (for mode 5, of the swapped
 * problem: C and O exchanged, oH x oW = H x W), 16-byte aligned.
 */
export function directConv(
  mode: i32, a: usize, b: usize, out: usize,
  N: i32, C: i32, H: i32, W: i32, O: i32, kH: i32, kW: i32,
  padTop: i32, padLeft: i32, oH: i32, oW: i32, work: usize,
): void {
  if (mode == 5) {
    // The input gradient is the forward pass of dy (O channels, oH x oW) with flipped weights, C outputs.
    const Hp = H + kH - 1;
    const Ws = paddedRow(W, kW);
    const second = work + ((<usize>(O * Hp * Ws)) << 2);
    const tile = second + ((<usize>max(((C + 3) & ~3) * O * kH * kW, ((C + 3) & ~3) * H * ((W + 3) & ~3))) << 2);
    packFlippedWeights(b, O, C, kH, kW, second);
    const dyImageBytes = (<usize>(O * oH * oW)) << 2;
    const dxImageBytes = (<usize>(C * H * W)) << 2;
    for (let n = 0; n < N; n++) {
      padImage(a + <usize>n * dyImageBytes, O, oH, oW, kH - 1 - padTop, kW - 1 - padLeft, Hp, Ws, work);
      directForward(work, O, Hp, Ws, kH, kW, second, C, out + <usize>n * dxImageBytes, H, W, tile);
    }
    return;
  }
  const Hp = oH + kH - 1;
  const Ws = paddedRow(oW, kW);
  const O4 = (O + 3) & ~3;
  const oWr = (oW + 3) & ~3;
  const patch = C * kH * kW;
  const xp = work;
  const second = xp + ((<usize>(C * Hp * Ws)) << 2);
  const tile = second + ((<usize>(O4 * max(patch, oH * oWr))) << 2);
  const imageBytes = (<usize>(C * H * W)) << 2;
  const outImageBytes = (<usize>(O * oH * oW)) << 2;
  if (mode == 3) {
    packWeights(b, O, patch, second);
    for (let n = 0; n < N; n++) {
      padImage(a + <usize>n * imageBytes, C, H, W, padTop, padLeft, Hp, Ws, xp);
      directForward(xp, C, Hp, Ws, kH, kW, second, O, out + <usize>n * outImageBytes, oH, oW, tile);
    }
    return;
  }
  memory.fill(out, 0, (<usize>(O * patch)) << 2);
  // dy rows padded to whole vectors, channels to a multiple of 4, with zeros (written once, never overwritten).
  memory.fill(second, 0, (<usize>(O4 * oH * oWr)) << 2);
  for (let n = 0; n < N; n++) {
    padImage(a + <usize>n * imageBytes, C, H, W, padTop, padLeft, Hp, Ws, xp);
    const dy = b + <usize>n * outImageBytes;
    for (let r = 0; r < O * oH; r++) {
      const src = dy + ((<usize>(r * oW)) << 2);
      const dst = second + ((<usize>(r * oWr)) << 2);
      let j = 0;
      for (; j + 4 <= oW; j += 4) v128.store(dst + ((<usize>j) << 2), v128.load(src + ((<usize>j) << 2)));
      for (; j < oW; j++) store<f32>(dst + ((<usize>j) << 2), load<f32>(src + ((<usize>j) << 2)));
    }
    directFilterGrad(xp, C, Hp, Ws, kH, kW, second, O, oH, oWr, out);
  }
}
