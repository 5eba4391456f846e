// 2-D max/average pooling over float32 NCHW planes, forward and backward. Windows are clipped to the image:
// padding cells are never read (max pads with -Infinity, average counts them in the divisor, as PyTorch's
// count_include_pad=True does).

// Flat index (within the plane) of the first maximum of a window, NaN winning; -1 when the window is empty.
// @ts-ignore: decorator
@inline
function windowArgMax(plane: usize, W: i32, h0: i32, h1: i32, w0: i32, w1: i32): i32 {
  let best: f32 = -Infinity;
  let at = -1;
  for (let h = h0; h < h1; h++) {
    for (let w = w0; w < w1; w++) {
      const i = h * W + w;
      const v = load<f32>(plane + (<usize>i << 2));
      if (v > best || at < 0 || v != v) {
        best = v;
        at = i;
        if (v != v) return at;
      }
    }
  }
  return at;
}

/**
 * mode 0: max pool forward; 1: average pool forward; 2: max pool backward (dx += dy routed to the first max,
 * `x` is the forward input); 3: average pool backward (dx += dy / window). Backward modes expect `dx` zeroed.
 * `src` is x (modes 0, 1, 2) and `dy` is the output gradient (modes 2, 3).
 */
export function pool2d(
  mode: i32, src: usize, dy: usize, out: usize,
  planes: i32, H: i32, W: i32, oH: i32, oW: i32,
  kH: i32, kW: i32, sH: i32, sW: i32, padTop: i32, padLeft: i32,
): void {
  const planeBytes = <usize>(H * W) << 2;
  const divisor = <f32>(kH * kW);
  let o: usize = 0;
  for (let p = 0; p < planes; p++) {
    const plane = src + <usize>p * planeBytes;
    const dxPlane = out + <usize>p * planeBytes;
    for (let oh = 0; oh < oH; oh++) {
      const top = oh * sH - padTop;
      const h0 = max(0, top);
      const h1 = min(H, top + kH);
      for (let ow = 0; ow < oW; ow++, o++) {
        const left = ow * sW - padLeft;
        const w0 = max(0, left);
        const w1 = min(W, left + kW);
        if (mode == 0) {
          const at = windowArgMax(plane, W, h0, h1, w0, w1);
          store<f32>(out + (o << 2), at < 0 ? -Infinity : load<f32>(plane + (<usize>at << 2)));
        } else if (mode == 1) {
          let sum: f32 = 0;
          for (let h = h0; h < h1; h++) {
            for (let w = w0; w < w1; w++) sum += load<f32>(plane + (<usize>(h * W + w) << 2));
          }
          store<f32>(out + (o << 2), sum / divisor);
        } else if (mode == 2) {
          const at = windowArgMax(plane, W, h0, h1, w0, w1);
          if (at >= 0) {
            const d = dxPlane + (<usize>at << 2);
            store<f32>(d, load<f32>(d) + load<f32>(dy + (o << 2)));
          }
        } else {
          const share = load<f32>(dy + (o << 2)) / divisor;
          for (let h = h0; h < h1; h++) {
            for (let w = w0; w < w1; w++) {
              const d = dxPlane + (<usize>(h * W + w) << 2);
              store<f32>(d, load<f32>(d) + share);
            }
          }
        }
      }
    }
  }
}
