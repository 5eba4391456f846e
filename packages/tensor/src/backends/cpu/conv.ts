/**
 * 2-D convolution (NCHW, weights [outC, inC / groups, kH, kW]) as GEMMs over im2col matrices, one image and one
 * group at a time so the column buffer stays the size of one group's patches of one image:
 *   forward:        y[n, g]  = W[g] [O/G, C/G*kH*kW] @ cols(x[n, g]) [C/G*kH*kW, P]       (P = outH * outW)
 *   filter grad:    dW[g]   += dy[n, g] [O/G, P] @ cols(x[n, g])^T
 *   input grad:     dx[n, g] = col2im(W[g]^T @ dy[n, g])
 * Dilation only changes which pixel each patch row reads.
 */
import { type KernelFn, outputInfo } from '../../backend/interface';
import { type ConvGeometry, convGeometry } from '../../kernels/geometry';
import type { TypedArray } from '../../types';
import { fromFloat64 } from './convert';
import { gemm, type MatrixView } from './gemm';
import { matrixView } from './matmul';

/** Rows of the im2col matrix of one group of one image: one per (channel, kernel row, kernel column). */
function patchSize(g: ConvGeometry): number {
  return (g.inChannels / g.groups) * g.kernelHeight * g.kernelWidth;
}

/** A 1x1, stride-1, unpadded convolution reads each image as its own [C, H*W] column matrix. */
function isPointwise(g: ConvGeometry): boolean {
  return (
    g.kernelHeight === 1 &&
    g.kernelWidth === 1 &&
    g.dilationH === 1 &&
    g.dilationW === 1 &&
    g.strideH === 1 &&
    g.strideW === 1 &&
    g.padTop === 0 &&
    g.padLeft === 0 &&
    g.outHeight === g.inHeight &&
    g.outWidth === g.inWidth
  );
}

/**
 * Writes the [C/G*kH*kW, outH*outW] patch matrix of the C/G channels at `x[offset ...]` (one group of one image)
 * into `cols`; padding reads as 0.
 */
export function im2col(x: TypedArray, offset: number, g: ConvGeometry, cols: Float64Array): void {
  const { inHeight: H, inWidth: W, outHeight: oH, outWidth: oW, kernelHeight: kH, kernelWidth: kW } = g;
  let row = 0;
  for (let c = 0; c < g.inChannels / g.groups; c++) {
    const plane = offset + c * H * W;
    for (let ki = 0; ki < kH; ki++) {
      for (let kj = 0; kj < kW; kj++, row++) {
        let dst = row * oH * oW;
        for (let oh = 0; oh < oH; oh++) {
          const ih = oh * g.strideH - g.padTop + ki * g.dilationH;
          if (ih < 0 || ih >= H) {
            cols.fill(0, dst, dst + oW);
            dst += oW;
            continue;
          }
          const src = plane + ih * W;
          for (let ow = 0, iw = kj * g.dilationW - g.padLeft; ow < oW; ow++, iw += g.strideW, dst++) {
            cols[dst] = iw >= 0 && iw < W ? x[src + iw]! : 0;
          }
        }
      }
    }
  }
}

/** The adjoint of im2col: adds every entry of `cols` back onto the input pixel it was read from. */
export function col2im(cols: Float64Array, g: ConvGeometry, dx: Float64Array, offset: number): void {
  const { inHeight: H, inWidth: W, outHeight: oH, outWidth: oW, kernelHeight: kH, kernelWidth: kW } = g;
  let row = 0;
  for (let c = 0; c < g.inChannels / g.groups; c++) {
    const plane = offset + c * H * W;
    for (let ki = 0; ki < kH; ki++) {
      for (let kj = 0; kj < kW; kj++, row++) {
        let src = row * oH * oW;
        for (let oh = 0; oh < oH; oh++) {
          const ih = oh * g.strideH - g.padTop + ki * g.dilationH;
          if (ih < 0 || ih >= H) {
            src += oW;
            continue;
          }
          const dst = plane + ih * W;
          for (let ow = 0, iw = kj * g.dilationW - g.padLeft; ow < oW; ow++, iw += g.strideW, src++) {
            if (iw >= 0 && iw < W) dx[dst + iw] = dx[dst + iw]! + cols[src]!;
          }
        }
      }
    }
  }
}

/** The column matrix of group `group` of image n: its channels themselves when pointwise, else their im2col. */
function columns(
  x: TypedArray,
  n: number,
  group: number,
  g: ConvGeometry,
  scratch: Float64Array | undefined,
): MatrixView {
  const pixels = g.outHeight * g.outWidth;
  const offset = (n * g.groups + group) * (g.inChannels / g.groups) * g.inHeight * g.inWidth;
  if (scratch === undefined) return matrixView(x, offset, pixels, false);
  im2col(x, offset, g, scratch);
  return matrixView(scratch, 0, pixels, false);
}

function scratchFor(g: ConvGeometry): Float64Array | undefined {
  return isPointwise(g) ? undefined : new Float64Array(patchSize(g) * g.outHeight * g.outWidth);
}

/** Weight rows [group * O/G, (group + 1) * O/G): a [O/G, patch] matrix, or its transpose. */
function groupWeights(w: TypedArray, group: number, g: ConvGeometry, transposed: boolean): MatrixView {
  return matrixView(w, group * (g.outChannels / g.groups) * patchSize(g), patchSize(g), transposed);
}

const conv2D: KernelFn<'Conv2D'> = ({ inputs: { x, w }, attrs, outputs: [y], backend }) => {
  const g = convGeometry(x.shape, w.shape, y.shape, attrs);
  const xValues = backend.readSync(x.dataId);
  const wValues = backend.readSync(w.dataId);
  const pixels = g.outHeight * g.outWidth;
  const outPerGroup = g.outChannels / g.groups;
  const acc = new Float64Array(g.batch * g.outChannels * pixels);
  const scratch = scratchFor(g);
  for (let n = 0; n < g.batch; n++) {
    for (let group = 0; group < g.groups; group++) {
      const cols = columns(xValues, n, group, g, scratch);
      const weights = groupWeights(wValues, group, g, false);
      const out = (n * g.outChannels + group * outPerGroup) * pixels;
      gemm(outPerGroup, pixels, patchSize(g), weights, cols, acc, out, pixels);
    }
  }
  return outputInfo(backend, fromFloat64(acc, y.dtype), y.shape, y.dtype);
};

const conv2DBackpropFilter: KernelFn<'Conv2DBackpropFilter'> = ({
  inputs: { x, dy },
  attrs,
  outputs: [dw],
  backend,
}) => {
  const g = convGeometry(x.shape, dw.shape, dy.shape, attrs);
  const xValues = backend.readSync(x.dataId);
  const dyValues = backend.readSync(dy.dataId);
  const pixels = g.outHeight * g.outWidth;
  const patch = patchSize(g);
  const outPerGroup = g.outChannels / g.groups;
  const acc = new Float64Array(g.outChannels * patch);
  const scratch = scratchFor(g);
  for (let n = 0; n < g.batch; n++) {
    for (let group = 0; group < g.groups; group++) {
      const cols = columns(xValues, n, group, g, scratch);
      const colsT: MatrixView = { ...cols, rowStride: cols.colStride, colStride: cols.rowStride };
      const dyN = matrixView(dyValues, (n * g.outChannels + group * outPerGroup) * pixels, pixels, false);
      gemm(outPerGroup, patch, pixels, dyN, colsT, acc, group * outPerGroup * patch, patch);
    }
  }
  return outputInfo(backend, fromFloat64(acc, dw.dtype), dw.shape, dw.dtype);
};

const conv2DBackpropInput: KernelFn<'Conv2DBackpropInput'> = ({ inputs: { dy, w }, attrs, outputs: [dx], backend }) => {
  const g = convGeometry(dx.shape, w.shape, dy.shape, attrs);
  const dyValues = backend.readSync(dy.dataId);
  const wValues = backend.readSync(w.dataId);
  const patch = patchSize(g);
  const pixels = g.outHeight * g.outWidth;
  const outPerGroup = g.outChannels / g.groups;
  const groupImageSize = (g.inChannels / g.groups) * g.inHeight * g.inWidth;
  const acc = new Float64Array(g.batch * g.groups * groupImageSize);
  const pointwise = isPointwise(g);
  const dcols = pointwise ? undefined : new Float64Array(patch * pixels);
  for (let n = 0; n < g.batch; n++) {
    for (let group = 0; group < g.groups; group++) {
      const weightsT = groupWeights(wValues, group, g, true);
      const dyN = matrixView(dyValues, (n * g.outChannels + group * outPerGroup) * pixels, pixels, false);
      const dxOffset = (n * g.groups + group) * groupImageSize;
      if (dcols === undefined) {
        // Pointwise: the column matrix is the image itself, so the GEMM lands directly in dx.
        gemm(patch, pixels, outPerGroup, weightsT, dyN, acc, dxOffset, pixels);
      } else {
        dcols.fill(0);
        gemm(patch, pixels, outPerGroup, weightsT, dyN, dcols, 0, pixels);
        col2im(dcols, g, acc, dxOffset);
      }
    }
  }
  return outputInfo(backend, fromFloat64(acc, dx.dtype), dx.shape, dx.dtype);
};

export const convKernels = {
  Conv2D: conv2D,
  Conv2DBackpropInput: conv2DBackpropInput,
  Conv2DBackpropFilter: conv2DBackpropFilter,
};
