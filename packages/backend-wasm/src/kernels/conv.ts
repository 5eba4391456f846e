/**
 * 2-D convolution and its two gradients, entirely in wasm: per image an im2col (or col2im) into a temporary
 * column buffer and one call of the same GEMM as MatMul (see assembly/conv.ts).
 */
import { type Conv2DAttrs, type KernelFn, type Shape, shapeUtil, type TensorInfo } from '@nn/tensor';
import type { WasmBackend } from '../backend';
import { runReference } from './reference';

/** Modes of assembly/conv.ts conv2d(). */
const FORWARD = 0;
const FILTER_GRAD = 1;
const INPUT_GRAD = 2;

function geometry(xShape: Shape, wShape: Shape, { stride, padding }: Conv2DAttrs) {
  const [N, C, H, W] = xShape as [number, number, number, number];
  const [O, , kH, kW] = wShape as [number, number, number, number];
  const [sH, sW] = stride;
  const [padTop, padBottom, padLeft, padRight] = padding;
  const oH = shapeUtil.windowOutputSize(H, kH, sH, padTop, padBottom);
  const oW = shapeUtil.windowOutputSize(W, kW, sW, padLeft, padRight);
  return { N, C, H, W, O, kH, kW, sH, sW, padTop, padLeft, oH, oW };
}

type Geometry = ReturnType<typeof geometry>;

function run(backend: WasmBackend, mode: number, a: TensorInfo, b: TensorInfo, out: number, g: Geometry): void {
  const colsBytes = g.C * g.kH * g.kW * g.oH * g.oW * 4;
  const scratch = backend.gemmScratch();
  backend.withTemp(colsBytes, (cols) => {
    // biome-ignore format: the argument list mirrors assembly/conv.ts conv2d()
    backend.exports.conv2d(
      mode, backend.ptr(a), backend.ptr(b), out,
      g.N, g.C, g.H, g.W, g.O, g.kH, g.kW, g.sH, g.sW, g.padTop, g.padLeft, g.oH, g.oW,
      cols, scratch,
    );
  });
}

const conv2D: KernelFn<'Conv2D'> = (args) => {
  const { x, w } = args.inputs;
  if (x.dtype !== 'float32') return runReference('Conv2D', args);
  const backend = args.backend as WasmBackend;
  const g = geometry(x.shape, w.shape, args.attrs);
  const { info, data } = backend.output([g.N, g.O, g.oH, g.oW], 'float32');
  run(backend, FORWARD, x, w, data.ptr, g);
  return info;
};

const conv2DBackpropFilter: KernelFn<'Conv2DBackpropFilter'> = (args) => {
  const { x, dy } = args.inputs;
  if (x.dtype !== 'float32') return runReference('Conv2DBackpropFilter', args);
  const backend = args.backend as WasmBackend;
  const g = geometry(x.shape, args.attrs.wShape, args.attrs);
  const { info, data } = backend.output(args.attrs.wShape, 'float32');
  run(backend, FILTER_GRAD, x, dy, data.ptr, g);
  return info;
};

const conv2DBackpropInput: KernelFn<'Conv2DBackpropInput'> = (args) => {
  const { dy, w } = args.inputs;
  if (dy.dtype !== 'float32') return runReference('Conv2DBackpropInput', args);
  const backend = args.backend as WasmBackend;
  const g = geometry(args.attrs.xShape, w.shape, args.attrs);
  const { info, data } = backend.output(args.attrs.xShape, 'float32');
  run(backend, INPUT_GRAD, dy, w, data.ptr, g);
  return info;
};

export const convKernels = {
  Conv2D: conv2D,
  Conv2DBackpropInput: conv2DBackpropInput,
  Conv2DBackpropFilter: conv2DBackpropFilter,
};
