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
