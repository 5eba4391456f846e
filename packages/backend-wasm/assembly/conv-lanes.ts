// The direct forward pass (conv.ts directForward) for outputs narrower than 16 columns (10x10, 14x14,
// 7x7), where rows of whole vectors would pad 10 columns to 12, 14 to 16, 7 to 8: here the 4 lanes of a vector
// are 4 images. The input is copied into xl [C][Hp][Wp][4 images] (zero padding around), each output pixel of
// 4 channels is computed as 4 vectors (one per channel, 2 pixels a step), and the lanes are stored to their
// images. The direct input gradient (conv-backprop-input.ts) runs it too, with dy and the flipped weights.

/** Outputs narrower than this run with images in the lanes. */
export const CONV_LANES_BELOW_WIDTH = 16;

/** Floats of work buffer lanesConv needs for Cin input and Cout output channels and an oH x oW output. */
export function lanesWorkFloats(Cin: i32, Cout: i32, kH: i32, kW: i32, oH: i32, oW: i32): i32 {
  return 4 * Cin * (oH + kH - 1) * (oW + kW - 1) + ((Cout + 3) & ~3) * Cin * kH * kW;
}

/** Stores lane l of v at p + l * imageBytes, for the first `count` lanes. */
// @ts-ignore: decorator
@inline
function storeLanes(p: usize, v: v128, count: i32, imageBytes: usize): void {
  store<f32>(p, f32x4.extract_lane(v, 0));
  if (count > 1) store<f32>(p + imageBytes, f32x4.extract_lane(v, 1));
  if (count > 2) store<f32>(p + 2 * imageBytes, f32x4.extract_lane(v, 2));
  if (count > 3) store<f32>(p + 3 * imageBytes, f32x4.extract_lane(v, 3));
}

/**
 * dst [images, Cout, oH, oW] = the stride-1 convolution of src [images, Cin, Hin, Win], padded by padTop /
 * padLeft (and zeros up to oH + kH - 1 rows, oW + kW - 1 columns), with weights packed like conv.ts packWeights
 * (per block of 4 output channels, per tap, the 4 channels' weights). `xl` holds 4 * Cin * Hp * Wp floats.
 * Taps on padding rows are skipped.
 */
export function lanesConv(
  src: usize, Cin: i32, Hin: i32, Win: i32, padTop: i32, padLeft: i32, wp: usize, Cout: i32,
  dst: usize, oH: i32, oW: i32, kH: i32, kW: i32, images: i32, xl: usize,
): void {
  const Hp = oH + kH - 1;
  const Wp = oW + kW - 1;
  const patch = Cin * kH * kW;
  const wpBytes = (<usize>Wp) << 4;
  const xPlane = <usize>Hp * wpBytes;
  const srcImage = (<usize>(Cin * Hin * Win)) << 2;
  const dstImage = (<usize>(Cout * oH * oW)) << 2;
  const planeOut = (<usize>(oH * oW)) << 2;
  const tapRowBytes = (<usize>kW) << 4;
  const r0 = padTop;
  const r1 = padTop + Hin;
  for (let first = 0; first < images; first += 4) {
    const count = min(4, images - first);
    memory.fill(xl, 0, <usize>Cin * xPlane);
    for (let i = 0; i < count; i++) {
      const lane = xl + ((<usize>i) << 2);
      const image = src + <usize>(first + i) * srcImage;
      for (let c = 0; c < Cin; c++) {
        for (let h = 0; h < Hin; h++) {
          const r = h + padTop;
          if (r >= Hp) break;
          const from = image + ((<usize>((c * Hin + h) * Win)) << 2);
          const to = lane + <usize>c * xPlane + <usize>r * wpBytes;
          const cols = min(Win, Wp - padLeft);
          for (let w = 0; w < cols; w++) store<f32>(to + ((<usize>(w + padLeft)) << 4), load<f32>(from + ((<usize>w) << 2)));
        }
      }
    }
    const out = dst + <usize>first * dstImage;
    for (let ob = 0; ob < Cout; ob += 4) {
      const oc = min(4, Cout - ob);
      const wb = wp + ((<usize>(ob * patch)) << 2);
      for (let oh = 0; oh < oH; oh++) {
        // Taps ki in [k0, k1) read rows oh + ki inside [r0, r1).
        const k0 = max(0, r0 - oh);
        const k1 = min(kH, r1 - oh);
        const skipTop = <usize>k0 * tapRowBytes;
        const skipBottom = <usize>max(0, kH - k1) * tapRowBytes;
        const xRow = xl + <usize>(oh + k0) * wpBytes;
        const yRow = out + <usize>ob * planeOut + ((<usize>(oh * oW)) << 2);
        let ow = 0;
        for (; ow + 2 <= oW; ow += 2) {
          let a0 = f32x4.splat(0), b0 = f32x4.splat(0), a1 = f32x4.splat(0), b1 = f32x4.splat(0);
          let a2 = f32x4.splat(0), b2 = f32x4.splat(0), a3 = f32x4.splat(0), b3 = f32x4.splat(0);
          let wt = wb;
          let plane = xRow + ((<usize>ow) << 4);
          for (let c = 0; c < Cin; c++, plane += xPlane, wt += skipBottom) {
            let row = plane;
            wt += skipTop;
            for (let ki = k0; ki < k1; ki++, row += wpBytes) {
              let px = row;
              for (let kj = 0; kj < kW; kj++, px += 16, wt += 16) {
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
          const p = yRow + ((<usize>ow) << 2);
          storeLanes(p, a0, count, dstImage);
          storeLanes(p + 4, b0, count, dstImage);
          if (oc > 1) {
            storeLanes(p + planeOut, a1, count, dstImage);
            storeLanes(p + planeOut + 4, b1, count, dstImage);
          }
          if (oc > 2) {
            storeLanes(p + 2 * planeOut, a2, count, dstImage);
            storeLanes(p + 2 * planeOut + 4, b2, count, dstImage);
          }
          if (oc > 3) {
            storeLanes(p + 3 * planeOut, a3, count, dstImage);
            storeLanes(p + 3 * planeOut + 4, b3, count, dstImage);
          }
        }
        if (ow < oW) {
          let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
          let wt = wb;
          let plane = xRow + ((<usize>ow) << 4);
          for (let c = 0; c < Cin; c++, plane += xPlane, wt += skipBottom) {
            let row = plane;
            wt += skipTop;
            for (let ki = k0; ki < k1; ki++, row += wpBytes) {
              let px = row;
              for (let kj = 0; kj < kW; kj++, px += 16, wt += 16) {
                const x0 = v128.load(px);
                a0 = f32x4.add(a0, f32x4.mul(v128.load32_splat(wt), x0));
                a1 = f32x4.add(a1, f32x4.mul(v128.load32_splat(wt, 4), x0));
                a2 = f32x4.add(a2, f32x4.mul(v128.load32_splat(wt, 8), x0));
                a3 = f32x4.add(a3, f32x4.mul(v128.load32_splat(wt, 12), x0));
              }
            }
          }
          const p = yRow + ((<usize>ow) << 2);
          storeLanes(p, a0, count, dstImage);
          if (oc > 1) storeLanes(p + planeOut, a1, count, dstImage);
          if (oc > 2) storeLanes(p + 2 * planeOut, a2, count, dstImage);
          if (oc > 3) storeLanes(p + 3 * planeOut, a3, count, dstImage);
        }
      }
    }
  }
}
