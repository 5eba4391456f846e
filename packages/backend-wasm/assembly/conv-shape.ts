// The geometry of one convolution, as the JS side writes it into memory (src/kernels/conv.ts, from the spec's
// resolved shapes): the entry points take a pointer to it instead of a dozen positional arguments.

/**
 * x [N, C, H, W] convolved by w [O, C / groups, kH, kW] with stride sH x sW, dilation dilH x dilW and padding top/left
 * into y [N, O, oH, oW]. Group g reads input channels [g C/groups, (g+1) C/groups) and writes output channels
 * [g O/groups, (g+1) O/groups) with the weight rows of the same range.
 */
@unmanaged
export class ConvShape {
  C: i32;
  H: i32;
  W: i32;
  O: i32;
  kH: i32;
  kW: i32;
  sH: i32;
  sW: i32;
  padTop: i32;
  padLeft: i32;
  oH: i32;
  oW: i32;
  dilH: i32;
  dilW: i32;
  groups: i32;
}

/** The ConvShape at `ptr`. */
// @ts-ignore: decorator
@inline
export function convShape(ptr: usize): ConvShape {
  return changetype<ConvShape>(ptr);
}
