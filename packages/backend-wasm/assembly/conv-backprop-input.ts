// The input gradient of a 2-D convolution (see conv.ts): dx [N, C, H, W] from dy and w, by GEMM + col2im or, for
// stride 1, as the direct forward pass of dy with flipped weights.
import { col2im } from './conv-im2col';
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
