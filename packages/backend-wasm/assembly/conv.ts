// 2-D convolution (NCHW, weights [O, C, kH, kW]): the forward pass. Its gradients are in conv-backprop-input.ts
// and conv-backprop-filter.ts, the patch matrices in conv-im2col.ts, and the geometry every entry point reads
// (a pointer to a ConvShape the JS side writes) in conv-shape.ts. Two algorithms, chosen by src/kernels/conv.ts:
//   im2col + GEMM, one image (and one channel group) at a time so the column buffer holds one group's patches:
//     forward:     y[n]  = W [O, C*kH*kW] @ cols(x[n]) [C*kH*kW, P]      (P = oH * oW)
//     filter grad: dW   += dy[n] [O, P] @ cols(x[n])^T
//     input grad:  dx[n] = col2im(W^T @ dy[n])
//   direct loops, for stride 1 without dilation or groups (below).
import { im2col } from './conv-im2col';
import { CONV_LANES_BELOW_WIDTH, lanesConv, lanesWorkFloats } from './conv-lanes';
import { convShape } from './conv-shape';
import { gemm } from './matmul';

/**
 * y = conv(x, w) for `images` images by im2col + GEMM, one GEMM per group. `shape` points to the ConvShape; `cols`
 * holds (C/groups)*kH*kW*oH*oW floats, `scratch` is the GEMM's packing scratch.
 */
export function conv2d(shape: usize, x: usize, w: usize, y: usize, images: i32, cols: usize, scratch: usize): void {
  const s = convShape(shape);
  const P = s.oH * s.oW;
  const Cg = s.C / s.groups;
  const Og = s.O / s.groups;
  const patch = Cg * s.kH * s.kW;
  const imageBytes = (<usize>(s.C * s.H * s.W)) << 2;
  const outImageBytes = (<usize>(s.O * P)) << 2;
  for (let n = 0; n < images; n++) {
    for (let g = 0; g < s.groups; g++) {
      im2col(s, x + <usize>n * imageBytes + ((<usize>(g * Cg * s.H * s.W)) << 2), Cg, cols);
      const wg = w + ((<usize>(g * Og * patch)) << 2);
      const yg = y + <usize>n * outImageBytes + ((<usize>(g * Og * P)) << 2);
      gemm(wg, patch, 1, cols, P, 1, yg, P, Og, P, patch, false, scratch);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// Direct convolution for stride 1. im2col + GEMM wastes most of its time on small layers (LeNet's 1->6 and
// 6->16, 5x5): the column matrix is written, packed again, and the GEMM's panels are mostly edges. Here each
// image is copied once into a zero-padded buffer whose rows are wide enough for whole SIMD vectors, and the taps
// are applied straight from it:
//   forward:     y[o, oh, ow..ow+7] += w[o, c, ki, kj] * xp[c, oh+ki, ow+kj..]    4 channels x 8 columns a step
//   filter grad: dW[o, c, ki, kj]   += sum over (oh, ow) of dy[o, oh, ow] * xp[c, oh+ki, ow+kj]
//   input grad:  the forward pass of dy with the weights rotated by 180 degrees
// Columns past the output's width are computed from zeros and dropped (forward) or multiply zeros (filter
// grad), so no step needs a scalar edge case.

/** Floats per padded row: whole 16-column chunks of output plus the kernel's reach (kW - 1). */
// @ts-ignore: decorator
@inline
export function paddedRow(oW: i32, kW: i32): i32 {
  return ((oW + 15) & ~15) + kW - 1;
}

/** Copies image x [C, H, W] into xp [C, oH + kH - 1, Ws], zero outside the image. */
export function padImage(x: usize, C: i32, H: i32, W: i32, padTop: i32, padLeft: i32, Hp: i32, Ws: i32, xp: usize): void {
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
export function packWeights(w: usize, O: i32, patch: i32, dst: usize): void {
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

/**
 * Forward pass of one padded image: y [O, oH, oW] from xp [C, Hp, Ws] and packed weights. Rows of xp outside
 * [r0, r1) are all zeros (padding): the taps that would read them are skipped.
 */
export function directForward(
  xp: usize, C: i32, Hp: i32, Ws: i32, kH: i32, kW: i32,
  wp: usize, O: i32, y: usize, oH: i32, oW: i32, tile: usize, r0: i32, r1: i32,
): void {
  const patch = C * kH * kW;
  const wsBytes = (<usize>Ws) << 2;
  const planeIn = <usize>Hp * wsBytes;
  const planeOut = (<usize>(oH * oW)) << 2;
  const oWr = (oW + 3) & ~3;
  const tapRowBytes = (<usize>kW) << 4;
  for (let ob = 0; ob < O; ob += 4) {
    const count = min(4, O - ob);
    const wb = wp + ((<usize>(ob * patch)) << 2);
    const yb = y + <usize>ob * planeOut;
    if (count <= 2) {
      forwardPair(xp, C, planeIn, wsBytes, kH, kW, wb, count, yb, planeOut, oH, oW, tile, r0, r1);
      continue;
    }
    for (let oh = 0; oh < oH; oh++) {
      // Taps ki in [k0, k1) read rows oh + ki inside [r0, r1).
      const k0 = max(0, r0 - oh);
      const k1 = min(kH, r1 - oh);
      const skipTop = <usize>k0 * tapRowBytes;
      const skipBottom = <usize>max(0, kH - k1) * tapRowBytes;
      const xRow = xp + <usize>(oh + k0) * wsBytes;
      const yRow = yb + ((<usize>(oh * oW)) << 2);
      let ow = 0;
      for (; ow + 8 <= oWr; ow += 8) {
        let a0 = f32x4.splat(0), b0 = f32x4.splat(0), a1 = f32x4.splat(0), b1 = f32x4.splat(0);
        let a2 = f32x4.splat(0), b2 = f32x4.splat(0), a3 = f32x4.splat(0), b3 = f32x4.splat(0);
        let wt = wb;
        let plane = xRow + ((<usize>ow) << 2);
        for (let c = 0; c < C; c++, plane += planeIn, wt += skipBottom) {
          let row = plane;
          wt += skipTop;
          for (let ki = k0; ki < k1; ki++, row += wsBytes) {
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
      if (ow < oWr && (oh & 1) == 0 && oh + 1 < oH) {
        // The last 4 columns (oWr is a multiple of 4) of this row and the next, 4 channels: 8 accumulators like
        // the 8-column steps. The taps cover both rows' ranges; those on a padding row multiply zeros (rows
        // oh + 1 + ki stay inside xp: oh + 1 < oH).
        const u0 = max(0, r0 - oh - 1);
        const u1 = min(kH, r1 - oh);
        const uTop = <usize>u0 * tapRowBytes;
        const uBottom = <usize>max(0, kH - u1) * tapRowBytes;
        let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
        let e0 = f32x4.splat(0), e1 = f32x4.splat(0), e2 = f32x4.splat(0), e3 = f32x4.splat(0);
        let wt = wb;
        let plane = xp + <usize>(oh + u0) * wsBytes + ((<usize>ow) << 2);
        for (let c = 0; c < C; c++, plane += planeIn, wt += uBottom) {
          let row = plane;
          wt += uTop;
          for (let ki = u0; ki < u1; ki++, row += wsBytes) {
            let px = row;
            for (let kj = 0; kj < kW; kj++, px += 4, wt += 16) {
              const x0 = v128.load(px);
              const x1 = v128.load(px + wsBytes);
              let w = v128.load32_splat(wt);
              a0 = f32x4.add(a0, f32x4.mul(w, x0));
              e0 = f32x4.add(e0, f32x4.mul(w, x1));
              w = v128.load32_splat(wt, 4);
              a1 = f32x4.add(a1, f32x4.mul(w, x0));
              e1 = f32x4.add(e1, f32x4.mul(w, x1));
              w = v128.load32_splat(wt, 8);
              a2 = f32x4.add(a2, f32x4.mul(w, x0));
              e2 = f32x4.add(e2, f32x4.mul(w, x1));
              w = v128.load32_splat(wt, 12);
              a3 = f32x4.add(a3, f32x4.mul(w, x0));
              e3 = f32x4.add(e3, f32x4.mul(w, x1));
            }
          }
        }
        const yTail = yRow + ((<usize>ow) << 2);
        const yNext = yTail + ((<usize>oW) << 2);
        if (oW - ow == 4) {
          // count is 3 or 4 here.
          v128.store(yTail, a0);
          v128.store(yTail + planeOut, a1);
          v128.store(yTail + 2 * planeOut, a2);
          if (count > 3) v128.store(yTail + 3 * planeOut, a3);
          v128.store(yNext, e0);
          v128.store(yNext + planeOut, e1);
          v128.store(yNext + 2 * planeOut, e2);
          if (count > 3) v128.store(yNext + 3 * planeOut, e3);
        } else {
          const z = f32x4.splat(0);
          storeRows8(yTail, planeOut, count, oW - ow, a0, z, a1, z, a2, z, a3, z, tile);
          storeRows8(yNext, planeOut, count, oW - ow, e0, z, e1, z, e2, z, e3, z, tile);
        }
      } else if (ow < oWr && (oh & 1) == 0) {
        // The last 4 columns of a last, unpaired row.
        let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
        let wt = wb;
        let plane = xRow + ((<usize>ow) << 2);
        for (let c = 0; c < C; c++, plane += planeIn, wt += skipBottom) {
          let row = plane;
          wt += skipTop;
          for (let ki = k0; ki < k1; ki++, row += wsBytes) {
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
        const yTail = yRow + ((<usize>ow) << 2);
        if (oW - ow == 4) {
          // count is 3 or 4 here.
          v128.store(yTail, a0);
          v128.store(yTail + planeOut, a1);
          v128.store(yTail + 2 * planeOut, a2);
          if (count > 3) v128.store(yTail + 3 * planeOut, a3);
        } else {
          const z = f32x4.splat(0);
          storeRows8(yTail, planeOut, count, oW - ow, a0, z, a1, z, a2, z, a3, z, tile);
        }
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
  wb: usize, count: i32, yb: usize, planeOut: usize, oH: i32, oW: i32, tile: usize, r0: i32, r1: i32,
): void {
  const tapRowBytes = (<usize>kW) << 4;
  for (let oh = 0; oh < oH; oh++) {
    const k0 = max(0, r0 - oh);
    const k1 = min(kH, r1 - oh);
    const skipTop = <usize>k0 * tapRowBytes;
    const skipBottom = <usize>max(0, kH - k1) * tapRowBytes;
    const xRow = xp + <usize>(oh + k0) * wsBytes;
    const yRow = yb + ((<usize>(oh * oW)) << 2);
    for (let ow = 0; ow < oW; ow += 16) {
      let a0 = f32x4.splat(0), b0 = f32x4.splat(0), c0 = f32x4.splat(0), d0 = f32x4.splat(0);
      let a1 = f32x4.splat(0), b1 = f32x4.splat(0), c1 = f32x4.splat(0), d1 = f32x4.splat(0);
      let wt = wb;
      let plane = xRow + ((<usize>ow) << 2);
      for (let c = 0; c < C; c++, plane += planeIn, wt += skipBottom) {
        let row = plane;
        wt += skipTop;
        for (let ki = k0; ki < k1; ki++, row += wsBytes) {
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

/**
 * Floats of work buffer the direct loops need (a padded image, packed weights or padded dy, and a tile) for C
 * input and O output channels and an oH x oW output (the input gradient: the swapped problem, see
 * conv-backprop-input.ts).
 */
export function directConvWorkFloats(C: i32, O: i32, kH: i32, kW: i32, oH: i32, oW: i32): i32 {
  const Hp = oH + kH - 1;
  const Ws = paddedRow(oW, kW);
  const O4 = (O + 3) & ~3;
  const oWr = (oW + 3) & ~3;
  const rows = C * Hp * Ws + O4 * max(C * kH * kW, oH * oWr) + 32;
  return oW < CONV_LANES_BELOW_WIDTH ? max(rows, lanesWorkFloats(C, O, kH, kW, oH, oW)) : rows;
}

/**
 * y = conv(x, w) for `images` images by the direct loops (stride 1). `shape` points to the ConvShape; `work`
 * holds directConvWorkFloats(C, O, kH, kW, oH, oW) floats, 16-byte aligned.
 */
export function directConv2d(shape: usize, x: usize, w: usize, y: usize, images: i32, work: usize): void {
  const s = convShape(shape);
  const C = s.C, O = s.O, kH = s.kH, kW = s.kW, oH = s.oH, oW = s.oW;
  const Hp = oH + kH - 1;
  const Ws = paddedRow(oW, kW);
  const patch = C * kH * kW;
  const xp = work;
  const packed = xp + ((<usize>(C * Hp * Ws)) << 2);
  const tile = packed + ((<usize>(((O + 3) & ~3) * max(patch, oH * ((oW + 3) & ~3)))) << 2);
  const imageBytes = (<usize>(C * s.H * s.W)) << 2;
  const outImageBytes = (<usize>(O * oH * oW)) << 2;
  if (oW < CONV_LANES_BELOW_WIDTH) {
    // Narrow outputs: 4 images in a vector's lanes (conv-lanes.ts); the weights go after its buffer.
    const wl = work + ((<usize>(4 * C * Hp * (oW + kW - 1))) << 2);
    packWeights(w, O, patch, wl);
    lanesConv(x, C, s.H, s.W, s.padTop, s.padLeft, wl, O, y, oH, oW, kH, kW, images, work);
    return;
  }
  packWeights(w, O, patch, packed);
  for (let n = 0; n < images; n++) {
    padImage(x + <usize>n * imageBytes, C, s.H, s.W, s.padTop, s.padLeft, Hp, Ws, xp);
    directForward(xp, C, Hp, Ws, kH, kW, packed, O, y + <usize>n * outImageBytes, oH, oW, tile, s.padTop, s.padTop + s.H);
  }
}
