// The direct filter gradient (conv-backprop-filter.ts) for narrow outputs (10x10, 14x14, 7x7), where rows of
// whole vectors would pad 10 columns to 12, 14 to 16, 7 to 8. Here the 4 lanes of a vector are 4 images instead:
// x and dy are copied into [C][Hp][Wp][4 images] and [O4][oH][oW][4 images], every pixel is one vector, none is
// padding (but lanes past the last image), and the lanes are summed at the end as before.

/** The sum of a vector's 4 lanes. */
// @ts-ignore: decorator
@inline
export function hsum(v: v128): f32 {
  const s = f32x4.add(v, v128.shuffle<f32>(v, v, 2, 3, 0, 1));
  return f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 1);
}

/** Outputs narrower than this run with images in the lanes. */
export const LANES_BELOW_WIDTH = 16;
/** Groups of 4 images taken at a time. */
export const LANE_GROUPS = 2;

/**
 * dW = the filter gradient of `images` images of x [C, H, W] and dy [O, oH, oW] (stride 1, padding padTop /
 * padLeft), 4 * LANE_GROUPS images at a time. `work` holds LANE_GROUPS * 4 * (C * Hp * Wp + O4 * oH * oW) floats.
 */
export function filterGradLanes(
  H: i32, W: i32, padTop: i32, padLeft: i32, C: i32, O: i32, kH: i32, kW: i32, oH: i32, oW: i32,
  x: usize, dy: usize, dW: usize, images: i32, work: usize,
): void {
  const Hp = oH + kH - 1;
  const Wp = oW + kW - 1;
  const O4 = (O + 3) & ~3;
  const patch = C * kH * kW;
  const xPlane = (<usize>(Hp * Wp)) << 4;
  const xGroup = <usize>C * xPlane;
  const dyPlane = (<usize>(oH * oW)) << 4;
  const dyGroup = <usize>O4 * dyPlane;
  const xl = work;
  const dyl = xl + <usize>LANE_GROUPS * xGroup;
  const imageBytes = (<usize>(C * H * W)) << 2;
  const outImageBytes = (<usize>(O * oH * oW)) << 2;
  const wpBytes = (<usize>Wp) << 4;
  const rowSkip = (<usize>(Wp - oW)) << 4;
  const pb = (<usize>patch) << 2;
  memory.fill(dW, 0, (<usize>(O * patch)) << 2);
  for (let first = 0; first < images; first += 4 * LANE_GROUPS) {
    const groups = min(LANE_GROUPS, (images - first + 3) >> 2);
    // Zeros for the padding, the channels past O and the lanes past the last image.
    memory.fill(xl, 0, <usize>groups * xGroup);
    memory.fill(dyl, 0, <usize>groups * dyGroup);
    for (let i = 0; i < min(4 * LANE_GROUPS, images - first); i++) {
      const lane = xl + <usize>(i >> 2) * xGroup + ((<usize>(i & 3)) << 2);
      const image = x + <usize>(first + i) * imageBytes;
      for (let c = 0; c < C; c++) {
        for (let h = 0; h < H; h++) {
          const r = h + padTop;
          if (r >= Hp) break;
          const src = image + ((<usize>((c * H + h) * W)) << 2);
          const dst = lane + <usize>c * xPlane + <usize>r * wpBytes;
          for (let w = 0; w < W; w++) {
            const col = w + padLeft;
            if (col >= Wp) break;
            store<f32>(dst + ((<usize>col) << 4), load<f32>(src + ((<usize>w) << 2)));
          }
        }
      }
      const dlane = dyl + <usize>(i >> 2) * dyGroup + ((<usize>(i & 3)) << 2);
      const dImage = dy + <usize>(first + i) * outImageBytes;
      for (let j = 0; j < O * oH * oW; j++) store<f32>(dlane + ((<usize>j) << 4), load<f32>(dImage + ((<usize>j) << 2)));
    }
    for (let ob = 0; ob < O; ob += 4) {
      const count = min(4, O - ob);
      for (let c = 0; c < C; c++) {
        for (let ki = 0; ki < kH; ki++) {
          const out = dW + ((<usize>(ob * patch + (c * kH + ki) * kW)) << 2);
          let kj = 0;
          for (; kj + 2 <= kW; kj += 2) {
            let s00 = f32x4.splat(0), s01 = f32x4.splat(0), s10 = f32x4.splat(0), s11 = f32x4.splat(0);
            let s20 = f32x4.splat(0), s21 = f32x4.splat(0), s30 = f32x4.splat(0), s31 = f32x4.splat(0);
            for (let g = 0; g < groups; g++) {
              let d = dyl + <usize>g * dyGroup + <usize>ob * dyPlane;
              let xr = xl + <usize>g * xGroup + <usize>c * xPlane + <usize>ki * wpBytes + ((<usize>kj) << 4);
              for (let oh = 0; oh < oH; oh++, xr += rowSkip) {
                for (let ow = 0; ow < oW; ow++, d += 16, xr += 16) {
                  const d0 = v128.load(d);
                  const d1 = v128.load(d + dyPlane);
                  const d2 = v128.load(d + 2 * dyPlane);
                  const d3 = v128.load(d + 3 * dyPlane);
                  let xv = v128.load(xr);
                  s00 = f32x4.add(s00, f32x4.mul(d0, xv));
                  s10 = f32x4.add(s10, f32x4.mul(d1, xv));
                  s20 = f32x4.add(s20, f32x4.mul(d2, xv));
                  s30 = f32x4.add(s30, f32x4.mul(d3, xv));
                  xv = v128.load(xr, 16);
                  s01 = f32x4.add(s01, f32x4.mul(d0, xv));
                  s11 = f32x4.add(s11, f32x4.mul(d1, xv));
                  s21 = f32x4.add(s21, f32x4.mul(d2, xv));
                  s31 = f32x4.add(s31, f32x4.mul(d3, xv));
                }
              }
            }
            const o = out + ((<usize>kj) << 2);
            store<f32>(o, load<f32>(o) + hsum(s00));
            store<f32>(o, load<f32>(o, 4) + hsum(s01), 4);
            if (count > 1) {
              store<f32>(o + pb, load<f32>(o + pb) + hsum(s10));
              store<f32>(o + pb, load<f32>(o + pb, 4) + hsum(s11), 4);
            }
            if (count > 2) {
              store<f32>(o + 2 * pb, load<f32>(o + 2 * pb) + hsum(s20));
              store<f32>(o + 2 * pb, load<f32>(o + 2 * pb, 4) + hsum(s21), 4);
            }
            if (count > 3) {
              store<f32>(o + 3 * pb, load<f32>(o + 3 * pb) + hsum(s30));
              store<f32>(o + 3 * pb, load<f32>(o + 3 * pb, 4) + hsum(s31), 4);
            }
          }
          if (kj < kW) {
            let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0), s3 = f32x4.splat(0);
            for (let g = 0; g < groups; g++) {
              let d = dyl + <usize>g * dyGroup + <usize>ob * dyPlane;
              let xr = xl + <usize>g * xGroup + <usize>c * xPlane + <usize>ki * wpBytes + ((<usize>kj) << 4);
              for (let oh = 0; oh < oH; oh++, xr += rowSkip) {
                for (let ow = 0; ow < oW; ow++, d += 16, xr += 16) {
                  const xv = v128.load(xr);
                  s0 = f32x4.add(s0, f32x4.mul(v128.load(d), xv));
                  s1 = f32x4.add(s1, f32x4.mul(v128.load(d + dyPlane), xv));
                  s2 = f32x4.add(s2, f32x4.mul(v128.load(d + 2 * dyPlane), xv));
                  s3 = f32x4.add(s3, f32x4.mul(v128.load(d + 3 * dyPlane), xv));
                }
              }
            }
            const o = out + ((<usize>kj) << 2);
            store<f32>(o, load<f32>(o) + hsum(s0));
            if (count > 1) store<f32>(o + pb, load<f32>(o + pb) + hsum(s1));
            if (count > 2) store<f32>(o + 2 * pb, load<f32>(o + 2 * pb) + hsum(s2));
            if (count > 3) store<f32>(o + 3 * pb, load<f32>(o + 3 * pb) + hsum(s3));
          }
        }
      }
    }
  }
}
