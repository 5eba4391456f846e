/**
 * 2-D convolution and its two gradients in wasm, float32: per run of images either the direct loops (stride 1,
 * no dilation or groups, few channels) or an im2col (col2im) into a column buffer and, per channel group, one call
 * of the same GEMM as MatMul (see assembly/conv.ts). The geometry is `convGeometry` of the spec's shapes, written once into wasm memory for the
 * entry points to read. int32 runs on the reference kernels, declared in backend.ts.
 */
import type { TensorInfo } from '@nn/tensor';
import { type ConvGeometry, convGeometry, type KernelFn } from '@nn/tensor/backend';
import type { WasmBackend } from '../backend';
import type { ThreadCall } from '../threads/pool';
import type { ThreadFunction } from '../threads/protocol';
import { cpuFallback } from './fallback';
import { CALLS_PER_LANE, parallelThresholds, splitRange } from './parallel';

type Pass = 'forward' | 'filterGrad' | 'inputGrad';

/** How a pass runs: im2col + GEMM, the direct loops, or (input gradient only) the scatter loops. */
type Way = 'gemm' | 'direct' | 'scatter';

/** The wasm entry points of each pass and way. */
const ENTRY: Record<Pass, Partial<Record<Way, ThreadFunction>>> = {
  forward: { gemm: 'conv2d', direct: 'directConv2d' },
  filterGrad: { gemm: 'conv2dBackpropFilter', direct: 'directConv2dBackpropFilter' },
  inputGrad: {
    gemm: 'conv2dBackpropInput',
    direct: 'directConv2dBackpropInput',
    scatter: 'directConv2dBackpropInputScatter',
  },
};
/** Op code of assembly/binary.ts binaryRun. */
const ADD = 0;
/** Large convolutions are cut into at least this many calls, whatever the threads, so results do not depend on them. */
const MIN_CALLS = 8;

/**
 * Which loops run `pass`: the direct ones (assembly/conv.ts directConv2d) beat im2col + GEMM for stride 1 and
 * few enough channels that the GEMM's panels would be mostly edges and its packing would cost as much as the
 * arithmetic (LeNet's and the examples' ResNet's layers; measured in bench/conv.mjs).
 */
export function convWay(pass: Pass, g: ConvGeometry): Way {
  if (g.strideH !== 1 || g.strideW !== 1 || g.dilationH !== 1 || g.dilationW !== 1 || g.groups !== 1) return 'gemm';
  const { kernelHeight: kH, kernelWidth: kW } = g;
  if (pass === 'inputGrad') {
    if (g.outChannels * kH * kW > directLimits.patch || g.inChannels > directLimits.channels) return 'gemm';
    // The direct input gradient convolves dy (O channels) into C outputs; it pads dy by kH-1-padTop, which must
    // be >= 0. It skips the taps on padding rows, not those on padding columns: when the output is narrower than
    // the input ('valid' padding: LeNet's 6->16, 10 of 14 columns), most of those multiply zeros, and the
    // scatter loops (assembly/conv-backprop-input.ts), which run over dy's columns only, win.
    const gather = g.padTop < kH && g.padLeft < kW && g.outWidth >= g.inWidth * directLimits.inputGradWidth;
    return gather ? 'direct' : 'scatter';
  }
  // The filter gradient's loops run over a group of images at a time, narrow outputs with 4 images in a vector's
  // lanes (assembly/conv-backprop-filter.ts), so small outputs keep long loops and no padding columns.
  if (pass === 'filterGrad' && g.outHeight * g.outWidth < directLimits.filterGradPixels) return 'gemm';
  return g.inChannels * kH * kW <= directLimits.patch && g.outChannels <= directLimits.channels ? 'direct' : 'gemm';
}

/**
 * Largest patch (C*kH*kW) and output channel count the direct loops take; the fewest output pixels for the
 * direct filter gradient (bench/conv.mjs, 1 thread, against the GEMM: 28x28 1.8x, 14x14 1.3x, 10x10 1.55x, 7x7
 * 1.2x); the narrowest output, as a fraction of the input's width, for which the input gradient gathers
 * rather than scatters (LeNet's 6->16, 10 of 14 columns: scatter 1.26x the GEMM, gather 1.07x; ResNet's 3x3 'same'
 * layers: gather 1.3-1.7x, scatter 1.2-1.4x). Mutable for tests and benches.
 */
export const directLimits = { patch: 512, channels: 64, filterGradPixels: 0, inputGradWidth: 0.85 };

/** The ConvShape of assembly/conv-shape.ts, field by field. */
function shapeWords(g: ConvGeometry): number[] {
  // biome-ignore format: one row per line of the assembly's class
  return [
    g.inChannels, g.inHeight, g.inWidth, g.outChannels, g.kernelHeight, g.kernelWidth,
    g.strideH, g.strideW, g.padTop, g.padLeft, g.outHeight, g.outWidth,
    g.dilationH, g.dilationW, g.groups,
  ];
}

/** Bytes of work buffer one call of `pass` needs. */
function workBytes(backend: WasmBackend, pass: Pass, way: Way, g: ConvGeometry): number {
  const { inChannels: C, outChannels: O, kernelHeight: kH, kernelWidth: kW } = g;
  if (way === 'scatter') {
    return backend.exports.directInputScatterWorkFloats(C, O, kH, kW, g.outHeight, g.outWidth) * 4;
  }
  if (way === 'direct') {
    const floats =
      pass === 'inputGrad'
        ? backend.exports.directConvWorkFloats(O, C, kH, kW, g.inHeight, g.inWidth)
        : pass === 'filterGrad'
          ? backend.exports.directFilterGradWorkFloats(C, O, kH, kW, g.outHeight, g.outWidth)
          : backend.exports.directConvWorkFloats(C, O, kH, kW, g.outHeight, g.outWidth);
    return floats * 4;
  }
  const patch = (C / g.groups) * kH * kW;
  // im2col's columns of one group, and for the filter gradient a transposed [patch, O] gradient after them.
  return (patch * g.outHeight * g.outWidth + (pass === 'filterGrad' ? patch * O : 0)) * 4;
}

/**
 * Runs `pass` over runs of images, as calls the threads claim; each thread has its own column buffer and GEMM
 * scratch. `a` is x (forward, filter gradient) or dy (input gradient); `b` is w (forward, input gradient) or dy
 * (filter gradient). The filter gradient (a sum over images) gets one partial sum per call after the first,
 * added into `out` in call order, so its rounding depends on the cut, never on the threads.
 */
function run(backend: WasmBackend, pass: Pass, a: TensorInfo, b: TensorInfo, out: number, g: ConvGeometry): void {
  // One group's patch: the weights are [O, patch], the MACs O * patch per output pixel.
  const patch = (g.inChannels / g.groups) * g.kernelHeight * g.kernelWidth;
  const pixels = g.outHeight * g.outWidth;
  const way = convWay(pass, g);
  const fn = ENTRY[pass][way]!;
  const direct = way !== 'gemm';
  const macs = g.batch * g.outChannels * patch * pixels;
  const parallel = macs >= parallelThresholds.gemmMacs && g.batch > 1;
  const runs = splitRange(g.batch, parallel ? Math.max(MIN_CALLS, CALLS_PER_LANE * backend.lanes()) : 1);
  const xImage = g.inChannels * g.inHeight * g.inWidth * 4;
  const yImage = g.outChannels * pixels * 4;
  const partialBytes = g.outChannels * patch * 4;
  const partials: number[] = [];
  const words = shapeWords(g);
  backend.withTemp(words.length * 4, (shape) => {
    backend.heap.i32.set(words, shape >>> 2);
    try {
      const calls: ThreadCall[] = runs.map(([first, count], i) => {
        let aPtr = backend.ptr(a);
        let bPtr = backend.ptr(b);
        let outPtr = out;
        if (pass === 'forward') {
          aPtr += first * xImage;
          outPtr += first * yImage;
        } else if (pass === 'filterGrad') {
          aPtr += first * xImage;
          bPtr += first * yImage;
          if (i > 0) {
            outPtr = backend.heap.alloc(partialBytes);
            partials.push(outPtr);
          }
        } else {
          aPtr += first * yImage;
          outPtr += first * xImage;
        }
        // The work buffer (and for im2col the GEMM scratch) is the running thread's own.
        const args = [shape, aPtr, bPtr, outPtr, count, 0, 0];
        return direct ? { fn, args: args.slice(0, 6), workArg: 5 } : { fn, args, workArg: 5, scratchArg: 6 };
      });
      backend.parallel(calls, workBytes(backend, pass, way, g));
      for (const partial of partials) {
        backend.exports.binaryRun(ADD, out, 1, partial, 1, out, g.outChannels * patch);
      }
    } finally {
      for (const partial of partials) backend.heap.release(partial, partialBytes);
    }
  });
}

const conv2D: KernelFn<'Conv2D'> = (args) => {
  const { x, w } = args.inputs;
  const [y] = args.outputs;
  if (y.dtype === 'int32') return cpuFallback('Conv2D', args);
  const backend = args.backend as WasmBackend;
  const { info, data } = backend.output(y.shape, y.dtype);
  run(backend, 'forward', x, w, data.ptr, convGeometry(x.shape, w.shape, y.shape, args.attrs));
  return info;
};

const conv2DBackpropFilter: KernelFn<'Conv2DBackpropFilter'> = (args) => {
  const { x, dy } = args.inputs;
  const [dw] = args.outputs;
  if (dw.dtype === 'int32') return cpuFallback('Conv2DBackpropFilter', args);
  const backend = args.backend as WasmBackend;
  const { info, data } = backend.output(dw.shape, dw.dtype);
  run(backend, 'filterGrad', x, dy, data.ptr, convGeometry(x.shape, dw.shape, dy.shape, args.attrs));
  return info;
};

const conv2DBackpropInput: KernelFn<'Conv2DBackpropInput'> = (args) => {
  const { dy, w } = args.inputs;
  const [dx] = args.outputs;
  if (dx.dtype === 'int32') return cpuFallback('Conv2DBackpropInput', args);
  const backend = args.backend as WasmBackend;
  const { info, data } = backend.output(dx.shape, dx.dtype);
  run(backend, 'inputGrad', dy, w, data.ptr, convGeometry(dx.shape, w.shape, dy.shape, args.attrs));
  return info;
};

export const convKernels = {
  Conv2D: conv2D,
  Conv2DBackpropInput: conv2DBackpropInput,
  Conv2DBackpropFilter: conv2DBackpropFilter,
};
