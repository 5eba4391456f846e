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
            memory.fill(dst, 0, (<usize>oW) << 2);
            dst += (<usize>oW) << 2;
            continue;
          }
          const row = plane + ((<usize>(ih * W)) << 2);
          let iw = kj - padLeft;
          if (sW == 1 && iw >= 0 && iw + oW <= W) {
            // The common interior case: one contiguous copy.
            memory.copy(dst, row + ((<usize>iw) << 2), (<usize>oW) << 2);
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
          for (let ow = 0, iw = kj - padLeft; ow < oW; ow++, iw += sW) {
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
 * `cols` holds C*kH*kW*oH*oW floats; `scratch` is the GEMM's packing scratch.
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
  for (let n = 0; n < N; n++) {
    if (mode == 0) {
      im2col(a + <usize>n * imageBytes, C, H, W, kH, kW, sH, sW, padTop, padLeft, oH, oW, cols);
      gemm(b, patch, 1, cols, P, 1, out + <usize>n * outImageBytes, P, O, P, patch, false, scratch);
    } else if (mode == 1) {
      im2col(a + <usize>n * imageBytes, C, H, W, kH, kW, sH, sW, padTop, padLeft, oH, oW, cols);
      // dW [O, patch] (+)= dy[n] [O, P] @ cols^T [P, patch]
      gemm(b + <usize>n * outImageBytes, P, 1, cols, 1, P, out, patch, O, patch, P, n > 0, scratch);
    } else {
      // dcols [patch, P] = W^T [patch, O] @ dy[n] [O, P]
      gemm(b, 1, patch, a + <usize>n * outImageBytes, P, 1, cols, P, patch, P, O, false, scratch);
      col2im(cols, C, H, W, kH, kW, sH, sW, padTop, padLeft, oH, oW, out + <usize>n * imageBytes);
    }
  }
  if (mode == 1 && N == 0) memory.fill(out, 0, (<usize>(O * patch)) << 2);
}
