// The patch matrices of the im2col convolution (conv.ts, conv-backprop-*.ts): im2col lays one image's windows
// out as the columns of a [C*kH*kW, oH*oW] matrix, so a convolution is one GEMM; col2im is its adjoint.
import { ConvShape } from './conv-shape';

/**
 * Writes the [C*kH*kW, oH*oW] patch matrix of the C channels of an image at `x` (all of them, or one group's)
 * into `cols`; padding reads as 0.
 */
export function im2col(s: ConvShape, x: usize, C: i32, cols: usize): void {
  const H = s.H, W = s.W, kH = s.kH, kW = s.kW, sH = s.sH, sW = s.sW, dilH = s.dilH, dilW = s.dilW;
  const padTop = s.padTop, padLeft = s.padLeft, oH = s.oH, oW = s.oW;
  let dst = cols;
  for (let c = 0; c < C; c++) {
    const plane = x + ((<usize>(c * H * W)) << 2);
    for (let ki = 0; ki < kH; ki++) {
      for (let kj = 0; kj < kW; kj++) {
        for (let oh = 0; oh < oH; oh++) {
          const ih = oh * sH - padTop + ki * dilH;
          if (ih < 0 || ih >= H) {
            for (let ow = 0; ow < oW; ow++) store<f32>(dst + ((<usize>ow) << 2), 0);
            dst += (<usize>oW) << 2;
            continue;
          }
          const row = plane + ((<usize>(ih * W)) << 2);
          let iw = kj * dilW - padLeft;
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

/**
 * The adjoint of im2col: adds every entry of `cols` onto the pixel of the C channels at `dx` it was read from (dx
 * must be zeroed).
 */
export function col2im(s: ConvShape, cols: usize, C: i32, dx: usize): void {
  const H = s.H, W = s.W, kH = s.kH, kW = s.kW, sH = s.sH, sW = s.sW, dilH = s.dilH, dilW = s.dilW;
  const padTop = s.padTop, padLeft = s.padLeft, oH = s.oH, oW = s.oW;
  let src = cols;
  for (let c = 0; c < C; c++) {
    const plane = dx + ((<usize>(c * H * W)) << 2);
    for (let ki = 0; ki < kH; ki++) {
      for (let kj = 0; kj < kW; kj++) {
        for (let oh = 0; oh < oH; oh++) {
          const ih = oh * sH - padTop + ki * dilH;
          if (ih < 0 || ih >= H) {
            src += (<usize>oW) << 2;
            continue;
          }
          const row = plane + ((<usize>(ih * W)) << 2);
          const iw0 = kj * dilW - padLeft;
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
