// The filter gradient of a 2-D convolution (see conv.ts): dW [O, C, kH, kW] from x and dy, summed over images,
// by im2col + GEMM or, for stride 1 without dilation or groups, by direct loops: over rows of whole vectors for
// outputs 16 or more wide, with 4 images in the lanes of a vector below (filterGradLanes).
import { im2col } from './conv-im2col';
import { convShape } from './conv-shape';
import { padImage } from './conv';
import { filterGradLanes, hsum, LANE_GROUPS, LANES_BELOW_WIDTH } from './conv-backprop-filter-lanes';
import { gemm } from './matmul';

/**
 * dW = the filter gradient of `images` images of x and dy, by im2col + GEMM per group. `shape` points to the
 * ConvShape; `cols` holds (C/groups)*kH*kW*oH*oW floats plus O*(C/groups)*kH*kW (a transposed gradient),
 * `scratch` is the GEMM's scratch.
 */
export function conv2dBackpropFilter(
  shape: usize, x: usize, dy: usize, dW: usize, images: i32, cols: usize, scratch: usize,
): void {
  const s = convShape(shape);
  const O = s.O;
  const P = s.oH * s.oW;
  const Cg = s.C / s.groups;
  const Og = O / s.groups;
  const patch = Cg * s.kH * s.kW;
  const imageBytes = (<usize>(s.C * s.H * s.W)) << 2;
  const outImageBytes = (<usize>(O * P)) << 2;
  // The transposed gradient of each group, [patch, Og], accumulates after the column buffer, then is transposed
  // into dW's rows of the group.
  const dWT = cols + ((<usize>(patch * P)) << 2);
  for (let n = 0; n < images; n++) {
    for (let g = 0; g < s.groups; g++) {
      im2col(s, x + <usize>n * imageBytes + ((<usize>(g * Cg * s.H * s.W)) << 2), Cg, cols);
      // dW_g^T [patch, Og] (+)= cols [patch, P] @ dy[n]_g^T [P, Og]: cols is A, whose rows pack contiguously
      // (as B, cols^T would be packed by strided scalar loads); dy^T is the small operand.
      const dyg = dy + <usize>n * outImageBytes + ((<usize>(g * Og * P)) << 2);
      gemm(cols, P, 1, dyg, 1, P, dWT + ((<usize>(g * patch * Og)) << 2), Og, patch, Og, P, n > 0, scratch);
    }
  }
  if (images == 0) memory.fill(dWT, 0, (<usize>(O * patch)) << 2);
  for (let g = 0; g < s.groups; g++) {
    const src = dWT + ((<usize>(g * patch * Og)) << 2);
    for (let o = 0; o < Og; o++) {
      const row = dW + ((<usize>((g * Og + o) * patch)) << 2);
      for (let j = 0; j < patch; j++) store<f32>(row + (<usize>j << 2), load<f32>(src + (<usize>(j * Og + o) << 2)));
    }
  }
}

/**
 * Filter gradient of `G` padded images, added into dW [O, C, kH, kW]: xp [G, C, Hp, Ws], dyp [G, O4, oH, oWr]
 * with zero columns past oW and zero channels past O (O4 = O rounded up to 4). Per step 4 channels x 2 taps,
 * over 4 output columns of every image of the group; the lanes are summed at the end, so small outputs (7x7:
 * 14 vectors an image) still run long loops. (Vectorising over channels instead, with the taps' inputs
 * splatted, measured 3x slower in V8.)
 */
function directFilterGrad(
  xp: usize, C: i32, Hp: i32, Ws: i32, kH: i32, kW: i32,
  dyp: usize, O: i32, oH: i32, oWr: i32, dW: usize, G: i32,
): void {
  const patch = C * kH * kW;
  const wsBytes = (<usize>Ws) << 2;
  const planeIn = <usize>Hp * wsBytes;
  const dyRowBytes = (<usize>oWr) << 2;
  const dyPlane = <usize>oH * dyRowBytes;
  const xImage = <usize>C * planeIn;
  const dyImage = (<usize>((O + 3) & ~3)) * dyPlane;
  const rowBytes = <usize>oWr << 2;
  const pb = (<usize>patch) << 2;
  for (let ob = 0; ob < O; ob += 4) {
    const count = min(4, O - ob);
    const d0p = dyp + <usize>ob * dyPlane;
    if (count <= 2) {
      const dW0 = dW + <usize>ob * pb;
      filterGradPair(xp, C, planeIn, wsBytes, kH, kW, d0p, dyPlane, dyImage, oH, rowBytes, xImage, dW0, pb, count, G);
      continue;
    }
    for (let c = 0; c < C; c++) {
      for (let ki = 0; ki < kH; ki++) {
        const xBase = xp + <usize>c * planeIn + <usize>ki * wsBytes;
        let kj = 0;
        for (; kj + 2 <= kW; kj += 2) {
          let s00 = f32x4.splat(0), s01 = f32x4.splat(0), s10 = f32x4.splat(0), s11 = f32x4.splat(0);
          let s20 = f32x4.splat(0), s21 = f32x4.splat(0), s30 = f32x4.splat(0), s31 = f32x4.splat(0);
          for (let n = 0; n < G; n++) {
            let dRow = d0p + <usize>n * dyImage;
            let xRow = xBase + <usize>n * xImage + ((<usize>kj) << 2);
            for (let oh = 0; oh < oH; oh++, dRow += dyRowBytes, xRow += wsBytes) {
              for (let o4: usize = 0; o4 < rowBytes; o4 += 16) {
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
          for (let n = 0; n < G; n++) {
            let dRow = d0p + <usize>n * dyImage;
            let xRow = xBase + <usize>n * xImage + ((<usize>kj) << 2);
            for (let oh = 0; oh < oH; oh++, dRow += dyRowBytes, xRow += wsBytes) {
              for (let o4: usize = 0; o4 < rowBytes; o4 += 16) {
                const d = dRow + o4;
                const x = v128.load(xRow + o4);
                s0 = f32x4.add(s0, f32x4.mul(v128.load(d), x));
                s1 = f32x4.add(s1, f32x4.mul(v128.load(d + dyPlane), x));
                s2 = f32x4.add(s2, f32x4.mul(v128.load(d + 2 * dyPlane), x));
                s3 = f32x4.add(s3, f32x4.mul(v128.load(d + 3 * dyPlane), x));
              }
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

/**
 * directFilterGrad for a last block of 1 or 2 output channels (O = 6 leaves 2): 2 channels x 4 taps a step (then
 * 2 taps, 1 tap), so no arithmetic goes to the zero channels of dyp. dW0 is the block's first row of dW.
 */
function filterGradPair(
  xp: usize, C: i32, planeIn: usize, wsBytes: usize, kH: i32, kW: i32,
  d0p: usize, dyPlane: usize, dyImage: usize, oH: i32, rowBytes: usize, xImage: usize,
  dW0: usize, pb: usize, count: i32, G: i32,
): void {
  for (let c = 0; c < C; c++) {
    for (let ki = 0; ki < kH; ki++) {
      const xBase = xp + <usize>c * planeIn + <usize>ki * wsBytes;
      const out = dW0 + ((<usize>((c * kH + ki) * kW)) << 2);
      let kj = 0;
      for (; kj + 4 <= kW; kj += 4) {
        let s00 = f32x4.splat(0), s01 = f32x4.splat(0), s02 = f32x4.splat(0), s03 = f32x4.splat(0);
        let s10 = f32x4.splat(0), s11 = f32x4.splat(0), s12 = f32x4.splat(0), s13 = f32x4.splat(0);
        for (let n = 0; n < G; n++) {
          let dRow = d0p + <usize>n * dyImage;
          let xRow = xBase + <usize>n * xImage + ((<usize>kj) << 2);
          for (let oh = 0; oh < oH; oh++, dRow += rowBytes, xRow += wsBytes) {
            for (let o4: usize = 0; o4 < rowBytes; o4 += 16) {
              const d0 = v128.load(dRow + o4);
              const d1 = v128.load(dRow + o4 + dyPlane);
              const xa = xRow + o4;
              let x = v128.load(xa);
              s00 = f32x4.add(s00, f32x4.mul(d0, x));
              s10 = f32x4.add(s10, f32x4.mul(d1, x));
              x = v128.load(xa, 4);
              s01 = f32x4.add(s01, f32x4.mul(d0, x));
              s11 = f32x4.add(s11, f32x4.mul(d1, x));
              x = v128.load(xa, 8);
              s02 = f32x4.add(s02, f32x4.mul(d0, x));
              s12 = f32x4.add(s12, f32x4.mul(d1, x));
              x = v128.load(xa, 12);
              s03 = f32x4.add(s03, f32x4.mul(d0, x));
              s13 = f32x4.add(s13, f32x4.mul(d1, x));
            }
          }
        }
        const o = out + ((<usize>kj) << 2);
        store<f32>(o, load<f32>(o) + hsum(s00));
        store<f32>(o, load<f32>(o, 4) + hsum(s01), 4);
        store<f32>(o, load<f32>(o, 8) + hsum(s02), 8);
        store<f32>(o, load<f32>(o, 12) + hsum(s03), 12);
        if (count > 1) {
          const o1 = o + pb;
          store<f32>(o1, load<f32>(o1) + hsum(s10));
          store<f32>(o1, load<f32>(o1, 4) + hsum(s11), 4);
          store<f32>(o1, load<f32>(o1, 8) + hsum(s12), 8);
          store<f32>(o1, load<f32>(o1, 12) + hsum(s13), 12);
        }
      }
      for (; kj < kW; kj++) {
        let s0 = f32x4.splat(0), s1 = f32x4.splat(0);
        for (let n = 0; n < G; n++) {
          let dRow = d0p + <usize>n * dyImage;
          let xRow = xBase + <usize>n * xImage + ((<usize>kj) << 2);
          for (let oh = 0; oh < oH; oh++, dRow += rowBytes, xRow += wsBytes) {
            for (let o4: usize = 0; o4 < rowBytes; o4 += 16) {
              const x = v128.load(xRow + o4);
              s0 = f32x4.add(s0, f32x4.mul(v128.load(dRow + o4), x));
              s1 = f32x4.add(s1, f32x4.mul(v128.load(dRow + o4 + dyPlane), x));
            }
          }
        }
        const o = out + ((<usize>kj) << 2);
        store<f32>(o, load<f32>(o) + hsum(s0));
        if (count > 1) store<f32>(o + pb, load<f32>(o + pb) + hsum(s1));
      }
    }
  }
}

/**
 * Images the direct filter gradient takes at a time for an oH x oW output: enough for about 512 output pixels
 * (whole vectors), at most 8.
 */
// @ts-ignore: decorator
@inline
function filterGradGroup(oH: i32, oW: i32): i32 {
  const pixels = oH * ((oW + 3) & ~3);
  return max(1, min(8, (512 + pixels - 1) / pixels));
}

/**
 * Floats per padded row of x for the filter gradient: its loads reach column oWr - 1 + kW - 1 (oWr = oW rounded
 * up to whole vectors), fewer than the forward pass's 16-column chunks need (7x7: 10 floats, not 18).
 */
// @ts-ignore: decorator
@inline
function filterGradRow(oW: i32, kW: i32): i32 {
  return ((oW + 3) & ~3) + kW - 1;
}

/**
 * Floats of work buffer directConv2dBackpropFilter needs (a group of padded images and of padded dy) for C input
 * and O output channels, a kH x kW kernel and an oH x oW output.
 */
export function directFilterGradWorkFloats(C: i32, O: i32, kH: i32, kW: i32, oH: i32, oW: i32): i32 {
  if (oW < LANES_BELOW_WIDTH) {
    return LANE_GROUPS * 4 * (C * (oH + kH - 1) * (oW + kW - 1) + ((O + 3) & ~3) * oH * oW);
  }
  const G = filterGradGroup(oH, oW);
  return G * (C * (oH + kH - 1) * filterGradRow(oW, kW) + ((O + 3) & ~3) * oH * ((oW + 3) & ~3));
}

/**
 * dW = the filter gradient of `images` images of x and dy by the direct loops (stride 1), a group of images
 * (filterGradGroup) at a time. `shape` points to the ConvShape; `work` holds directFilterGradWorkFloats(C, O,
 * kH, kW, oH, oW) floats, 16-byte aligned.
 */
export function directConv2dBackpropFilter(shape: usize, x: usize, dy: usize, dW: usize, images: i32, work: usize): void {
  const s = convShape(shape);
  const C = s.C, O = s.O, kH = s.kH, kW = s.kW, oH = s.oH, oW = s.oW;
  if (oW < LANES_BELOW_WIDTH) {
    filterGradLanes(s.H, s.W, s.padTop, s.padLeft, C, O, kH, kW, oH, oW, x, dy, dW, images, work);
    return;
  }
  const Hp = oH + kH - 1;
  const Ws = filterGradRow(oW, kW);
  const O4 = (O + 3) & ~3;
  const oWr = (oW + 3) & ~3;
  const patch = C * kH * kW;
  const G = filterGradGroup(oH, oW);
  const xpImage = <usize>(C * Hp * Ws) << 2;
  const dypImage = <usize>(O4 * oH * oWr) << 2;
  const xp = work;
  const dyp = xp + <usize>G * xpImage;
  const imageBytes = (<usize>(C * s.H * s.W)) << 2;
  const outImageBytes = (<usize>(O * oH * oW)) << 2;
  memory.fill(dW, 0, (<usize>(O * patch)) << 2);
  // dy rows padded to whole vectors, channels to a multiple of 4, with zeros (written once, never overwritten).
  memory.fill(dyp, 0, <usize>G * dypImage);
  for (let first = 0; first < images; first += G) {
    const g = min(G, images - first);
    for (let i = 0; i < g; i++) {
      const n = first + i;
      padImage(x + <usize>n * imageBytes, C, s.H, s.W, s.padTop, s.padLeft, Hp, Ws, xp + <usize>i * xpImage);
      const dyImage = dy + <usize>n * outImageBytes;
      const dypi = dyp + <usize>i * dypImage;
      for (let r = 0; r < O * oH; r++) {
        const src = dyImage + ((<usize>(r * oW)) << 2);
        const dst = dypi + ((<usize>(r * oWr)) << 2);
        let j = 0;
        for (; j + 4 <= oW; j += 4) v128.store(dst + ((<usize>j) << 2), v128.load(src + ((<usize>j) << 2)));
        for (; j < oW; j++) store<f32>(dst + ((<usize>j) << 2), load<f32>(src + ((<usize>j) << 2)));
      }
    }
    directFilterGrad(xp, C, Hp, Ws, kH, kW, dyp, O, oH, oWr, dW, g);
  }
}
