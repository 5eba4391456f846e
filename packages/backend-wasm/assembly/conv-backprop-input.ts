// The input gradient of a 2-D convolution (see conv.ts): dx [N, C, H, W] from dy and w, by GEMM + col2im or, for
// stride 1, as the direct forward pass of dy with flipped weights.
import { col2im } from './conv-im2col';
import { CONV_LANES_BELOW_WIDTH, lanesConv } from './conv-lanes';
import { convShape } from './conv-shape';
import { directForward, padImage, paddedRow } from './conv';
import { gemm } from './matmul';

/**
 * dx = the input gradient of `images` images of dy by w, by GEMM + col2im per group. `shape` points to the
 * ConvShape; `cols` holds (C/groups)*kH*kW*oH*oW floats, `scratch` is the GEMM's scratch. Zeroes dx first.
 */
export function conv2dBackpropInput(
  shape: usize, dy: usize, w: usize, dx: usize, images: i32, cols: usize, scratch: usize,
): void {
  const s = convShape(shape);
  const P = s.oH * s.oW;
  const Cg = s.C / s.groups;
  const Og = s.O / s.groups;
  const patch = Cg * s.kH * s.kW;
  const imageBytes = (<usize>(s.C * s.H * s.W)) << 2;
  const outImageBytes = (<usize>(s.O * P)) << 2;
  memory.fill(dx, 0, imageBytes * <usize>images);
  for (let n = 0; n < images; n++) {
    for (let g = 0; g < s.groups; g++) {
      // dcols [patch, P] = W_g^T [patch, Og] @ dy[n]_g [Og, P]
      const wg = w + ((<usize>(g * Og * patch)) << 2);
      const dyg = dy + <usize>n * outImageBytes + ((<usize>(g * Og * P)) << 2);
      gemm(wg, 1, patch, dyg, P, 1, cols, P, patch, P, Og, false, scratch);
      col2im(s, cols, Cg, dx + <usize>n * imageBytes + ((<usize>(g * Cg * s.H * s.W)) << 2));
    }
  }
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
 * dx = the input gradient of `images` images of dy by w, by the direct loops (stride 1, padTop < kH and
 * padLeft < kW): the forward pass of dy (O channels, padded by kH-1-padTop / kW-1-padLeft) with the flipped
 * weights, C outputs. `work` holds directConvWorkFloats(O, C, kH, kW, H, W) floats (the swapped problem),
 * 16-byte aligned.
 */
export function directConv2dBackpropInput(shape: usize, dy: usize, w: usize, dx: usize, images: i32, work: usize): void {
  const s = convShape(shape);
  const C = s.C, H = s.H, W = s.W, O = s.O, kH = s.kH, kW = s.kW, oH = s.oH, oW = s.oW;
  if (W < CONV_LANES_BELOW_WIDTH) {
    // Narrow inputs: 4 images in a vector's lanes (conv-lanes.ts); the weights go after its buffer.
    const wl = work + ((<usize>(4 * O * (H + kH - 1) * (W + kW - 1))) << 2);
    packFlippedWeights(w, O, C, kH, kW, wl);
    lanesConv(dy, O, oH, oW, kH - 1 - s.padTop, kW - 1 - s.padLeft, wl, C, dx, H, W, kH, kW, images, work);
    return;
  }
  const Hp = H + kH - 1;
  const Ws = paddedRow(W, kW);
  const packed = work + ((<usize>(O * Hp * Ws)) << 2);
  const tile = packed + ((<usize>max(((C + 3) & ~3) * O * kH * kW, ((C + 3) & ~3) * H * ((W + 3) & ~3))) << 2);
  packFlippedWeights(w, O, C, kH, kW, packed);
  const dyImageBytes = (<usize>(O * oH * oW)) << 2;
  // dy's rows start this far down the padded buffer.
  const padTop = kH - 1 - s.padTop;
  const dxImageBytes = (<usize>(C * H * W)) << 2;
  for (let n = 0; n < images; n++) {
    padImage(dy + <usize>n * dyImageBytes, O, oH, oW, padTop, kW - 1 - s.padLeft, Hp, Ws, work);
    directForward(work, O, Hp, Ws, kH, kW, packed, C, dx + <usize>n * dxImageBytes, H, W, tile, padTop, padTop + oH);
  }
}

// ---------------------------------------------------------------------------------------------------------
// The input gradient as a scatter, for outputs narrower than the input ('valid' padding, LeNet's 6->16): the
// gather above (a forward pass over dy padded by kW-1 columns) spends most taps near the edges on padding
// zeros; here each tap's contribution is computed only over dy's own columns (rounded up to whole vectors):
//   dxp[c, oh + ki, ow + kj] += sum over o of w[o, c, ki, kj] * dy[o, oh, ow]
// into a padded dx (dxp [C4, oH + kH - 1, Wd]), 4 input channels x 8 columns a step with the sum over o in
// registers, then dx is copied out of dxp.

/** Row width of the scatter's padded dx: whole vectors of dy's row plus the kernel's reach. */
// @ts-ignore: decorator
@inline
function scatterRow(oW: i32, kW: i32): i32 {
  return ((oW + 3) & ~3) + kW - 1;
}

/**
 * Floats of work buffer directConv2dBackpropInputScatter needs for C input and O output channels, a kH x kW
 * kernel and an oH x oW output: dy padded to whole vectors, packed weights and the padded dx.
 */
export function directInputScatterWorkFloats(C: i32, O: i32, kH: i32, kW: i32, oH: i32, oW: i32): i32 {
  const C4 = (C + 3) & ~3;
  return O * oH * ((oW + 3) & ~3) + C4 * kH * kW * O + C4 * (oH + kH - 1) * scatterRow(oW, kW);
}

/**
 * The scatter for a last block of 1 or 2 input channels (C = 6 leaves 2): 2 channels x 12 columns a step (then
 * 4), so no arithmetic goes to channels that do not exist. Packed weights keep their 4-wide stride.
 */
function scatterPair(
  dyp: usize, dyPlane: usize, dyRowBytes: usize, O: i32, oH: i32, kH: i32, kW: i32,
  wt: usize, oBytes: usize, dxb: usize, dxPlane: usize, wdBytes: usize, count: i32,
): void {
  for (let ki = 0; ki < kH; ki++) {
    for (let kj = 0; kj < kW; kj++, wt += oBytes) {
      for (let oh = 0; oh < oH; oh++) {
        const dRow = dyp + <usize>oh * dyRowBytes;
        const xRow = dxb + <usize>(oh + ki) * wdBytes + ((<usize>kj) << 2);
        let v: usize = 0;
        for (; v + 48 <= dyRowBytes; v += 48) {
          let a0 = f32x4.splat(0), b0 = f32x4.splat(0), c0 = f32x4.splat(0);
          let a1 = f32x4.splat(0), b1 = f32x4.splat(0), c1 = f32x4.splat(0);
          let d = dRow + v;
          let wo = wt;
          for (let o = 0; o < O; o++, d += dyPlane, wo += 16) {
            const k0 = v128.load32_splat(wo);
            const k1 = v128.load32_splat(wo, 4);
            let y = v128.load(d);
            a0 = f32x4.add(a0, f32x4.mul(k0, y));
            a1 = f32x4.add(a1, f32x4.mul(k1, y));
            y = v128.load(d, 16);
            b0 = f32x4.add(b0, f32x4.mul(k0, y));
            b1 = f32x4.add(b1, f32x4.mul(k1, y));
            y = v128.load(d, 32);
            c0 = f32x4.add(c0, f32x4.mul(k0, y));
            c1 = f32x4.add(c1, f32x4.mul(k1, y));
          }
          const p = xRow + v;
          v128.store(p, f32x4.add(v128.load(p), a0));
          v128.store(p, f32x4.add(v128.load(p, 16), b0), 16);
          v128.store(p, f32x4.add(v128.load(p, 32), c0), 32);
          if (count > 1) {
            const q = p + dxPlane;
            v128.store(q, f32x4.add(v128.load(q), a1));
            v128.store(q, f32x4.add(v128.load(q, 16), b1), 16);
            v128.store(q, f32x4.add(v128.load(q, 32), c1), 32);
          }
        }
        for (; v < dyRowBytes; v += 16) {
          let a0 = f32x4.splat(0), a1 = f32x4.splat(0);
          let d = dRow + v;
          let wo = wt;
          for (let o = 0; o < O; o++, d += dyPlane, wo += 16) {
            const y = v128.load(d);
            a0 = f32x4.add(a0, f32x4.mul(v128.load32_splat(wo), y));
            a1 = f32x4.add(a1, f32x4.mul(v128.load32_splat(wo, 4), y));
          }
          const p = xRow + v;
          v128.store(p, f32x4.add(v128.load(p), a0));
          if (count > 1) v128.store(p + dxPlane, f32x4.add(v128.load(p + dxPlane), a1));
        }
      }
    }
  }
}

/**
 * dx = the input gradient of `images` images of dy by w, by the scatter loops (stride 1, no dilation or groups).
 * `shape` points to the ConvShape; `work` holds directInputScatterWorkFloats(C, O, kH, kW, oH, oW) floats,
 * 16-byte aligned.
 */
export function directConv2dBackpropInputScatter(
  shape: usize, dy: usize, w: usize, dx: usize, images: i32, work: usize,
): void {
  const s = convShape(shape);
  const C = s.C, H = s.H, W = s.W, O = s.O, kH = s.kH, kW = s.kW, oH = s.oH, oW = s.oW;
  const C4 = (C + 3) & ~3;
  const taps = kH * kW;
  const oWr = (oW + 3) & ~3;
  const Hd = oH + kH - 1;
  const Wd = scatterRow(oW, kW);
  const dyRowBytes = (<usize>oWr) << 2;
  const dyPlane = <usize>oH * dyRowBytes;
  const dyp = work;
  const packed = dyp + <usize>O * dyPlane;
  const dxp = packed + ((<usize>(C4 * taps * O)) << 2);
  const wdBytes = (<usize>Wd) << 2;
  const dxPlane = <usize>Hd * wdBytes;
  // Weights per block of 4 input channels, per tap, per output channel: the 4 channels' weights side by side.
  let dst = packed;
  for (let cb = 0; cb < C4; cb += 4) {
    for (let t = 0; t < taps; t++) {
      for (let o = 0; o < O; o++) {
        for (let r = 0; r < 4; r++) {
          const c = cb + r;
          store<f32>(dst, c < C ? load<f32>(w + ((<usize>((o * C + c) * taps + t)) << 2)) : 0);
          dst += 4;
        }
      }
    }
  }
  memory.fill(dyp, 0, <usize>O * dyPlane);
  const dyImageBytes = (<usize>(O * oH * oW)) << 2;
  const dxImageBytes = (<usize>(C * H * W)) << 2;
  const oBytes = (<usize>O) << 4;
  for (let n = 0; n < images; n++) {
    const dyImage = dy + <usize>n * dyImageBytes;
    for (let r = 0; r < O * oH; r++) {
      const src = dyImage + ((<usize>(r * oW)) << 2);
      const dstRow = dyp + <usize>r * dyRowBytes;
      let j = 0;
      for (; j + 4 <= oW; j += 4) v128.store(dstRow + ((<usize>j) << 2), v128.load(src + ((<usize>j) << 2)));
      for (; j < oW; j++) store<f32>(dstRow + ((<usize>j) << 2), load<f32>(src + ((<usize>j) << 2)));
    }
    memory.fill(dxp, 0, <usize>C4 * dxPlane);
    for (let cb = 0; cb < C4; cb += 4) {
      const dxb = dxp + <usize>cb * dxPlane;
      let wt = packed + <usize>((cb >> 2) * taps) * oBytes;
      if (C - cb <= 2) {
        scatterPair(dyp, dyPlane, dyRowBytes, O, oH, kH, kW, wt, oBytes, dxb, dxPlane, wdBytes, C - cb);
        continue;
      }
      for (let ki = 0; ki < kH; ki++) {
        for (let kj = 0; kj < kW; kj++, wt += oBytes) {
          for (let oh = 0; oh < oH; oh++) {
            const dRow = dyp + <usize>oh * dyRowBytes;
            const xRow = dxb + <usize>(oh + ki) * wdBytes + ((<usize>kj) << 2);
            let v: usize = 0;
            for (; v + 32 <= dyRowBytes; v += 32) {
              let a0 = f32x4.splat(0), b0 = f32x4.splat(0), a1 = f32x4.splat(0), b1 = f32x4.splat(0);
              let a2 = f32x4.splat(0), b2 = f32x4.splat(0), a3 = f32x4.splat(0), b3 = f32x4.splat(0);
              let d = dRow + v;
              let wo = wt;
              for (let o = 0; o < O; o++, d += dyPlane, wo += 16) {
                const y0 = v128.load(d);
                const y1 = v128.load(d, 16);
                let k = v128.load32_splat(wo);
                a0 = f32x4.add(a0, f32x4.mul(k, y0));
                b0 = f32x4.add(b0, f32x4.mul(k, y1));
                k = v128.load32_splat(wo, 4);
                a1 = f32x4.add(a1, f32x4.mul(k, y0));
                b1 = f32x4.add(b1, f32x4.mul(k, y1));
                k = v128.load32_splat(wo, 8);
                a2 = f32x4.add(a2, f32x4.mul(k, y0));
                b2 = f32x4.add(b2, f32x4.mul(k, y1));
                k = v128.load32_splat(wo, 12);
                a3 = f32x4.add(a3, f32x4.mul(k, y0));
                b3 = f32x4.add(b3, f32x4.mul(k, y1));
              }
              const p = xRow + v;
              v128.store(p, f32x4.add(v128.load(p), a0));
              v128.store(p, f32x4.add(v128.load(p, 16), b0), 16);
              v128.store(p + dxPlane, f32x4.add(v128.load(p + dxPlane), a1));
              v128.store(p + dxPlane, f32x4.add(v128.load(p + dxPlane, 16), b1), 16);
              v128.store(p + 2 * dxPlane, f32x4.add(v128.load(p + 2 * dxPlane), a2));
              v128.store(p + 2 * dxPlane, f32x4.add(v128.load(p + 2 * dxPlane, 16), b2), 16);
              v128.store(p + 3 * dxPlane, f32x4.add(v128.load(p + 3 * dxPlane), a3));
              v128.store(p + 3 * dxPlane, f32x4.add(v128.load(p + 3 * dxPlane, 16), b3), 16);
            }
            if (v < dyRowBytes) {
              let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
              let d = dRow + v;
              let wo = wt;
              for (let o = 0; o < O; o++, d += dyPlane, wo += 16) {
                const y0 = v128.load(d);
                a0 = f32x4.add(a0, f32x4.mul(v128.load32_splat(wo), y0));
                a1 = f32x4.add(a1, f32x4.mul(v128.load32_splat(wo, 4), y0));
                a2 = f32x4.add(a2, f32x4.mul(v128.load32_splat(wo, 8), y0));
                a3 = f32x4.add(a3, f32x4.mul(v128.load32_splat(wo, 12), y0));
              }
              const p = xRow + v;
              v128.store(p, f32x4.add(v128.load(p), a0));
              v128.store(p + dxPlane, f32x4.add(v128.load(p + dxPlane), a1));
              v128.store(p + 2 * dxPlane, f32x4.add(v128.load(p + 2 * dxPlane), a2));
              v128.store(p + 3 * dxPlane, f32x4.add(v128.load(p + 3 * dxPlane), a3));
            }
          }
        }
      }
    }
    // dx [c, h, w] = dxp [c, h + padTop, w + padLeft].
    const dxImage = dx + <usize>n * dxImageBytes;
    const padTop = s.padTop, padLeft = s.padLeft;
    for (let c = 0; c < C; c++) {
      for (let h = 0; h < H; h++) {
        const src = dxp + <usize>c * dxPlane + <usize>(h + padTop) * wdBytes + ((<usize>padLeft) << 2);
        const dstRow = dxImage + ((<usize>((c * H + h) * W)) << 2);
        let j = 0;
        for (; j + 4 <= W; j += 4) v128.store(dstRow + ((<usize>j) << 2), v128.load(src + ((<usize>j) << 2)));
        for (; j < W; j++) store<f32>(dstRow + ((<usize>j) << 2), load<f32>(src + ((<usize>j) << 2)));
      }
    }
  }
}
