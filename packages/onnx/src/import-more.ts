/**
 * ONNX operators of the 0.2 kernels run with @nn ops: the rounding, trigonometric and smooth unary operators,
 * ConvTranspose, Resize (the nearest and bilinear modes PyTorch's Upsample exports), CumSum, TopK, OneHot, Range,
 * IsNaN and the logical And/Or of masks.
 */
import type { Tensor } from '@nn/tensor';
import * as nn from '@nn/tensor';
import { engine } from '@nn/tensor/backend';
import { axisOf, ints, need, type OnnxOp } from './import-ops';
import type { Attributes } from './parse';

const unary = (fn: (x: Tensor) => Tensor): OnnxOp => ({ run: (inputs, a) => [fn(need(inputs, 0, a))] });

/** A bool as @nn holds it: int32 0/1. */
const bool = (t: Tensor): Tensor => t.cast('int32');

function checkAutoPad(a: Attributes): void {
  const pad = a.string('auto_pad', 'NOTSET');
  if (pad !== 'NOTSET' && pad !== 'VALID') throw a.error(`auto_pad ${pad} is not supported`);
}

/** ConvTranspose (2-D): its output size from strides, pads, dilations and output_padding. */
function convTranspose(inputs: readonly (Tensor | undefined)[], a: Attributes): Tensor[] {
  const x = need(inputs, 0, a);
  const w = need(inputs, 1, a);
  if (x.rank !== 4 || w.rank !== 4) {
    throw a.error(
      `only 2-D transposed convolution is supported, got ${nn.fmtShape(x.shape)} by ${nn.fmtShape(w.shape)}`,
    );
  }
  const groups = a.int('group', 1);
  const [sh = 1, sw = 1] = a.ints('strides') ?? [];
  const [top = 0, left = 0, bottom = 0, right = 0] = a.ints('pads') ?? [];
  const [dh = 1, dw = 1] = a.ints('dilations') ?? [];
  const [oh = 0, ow = 0] = a.ints('output_padding') ?? [];
  const size = (n: number, s: number, p: number, d: number, k: number, o: number) =>
    (n - 1) * s - p + d * (k - 1) + o + 1;
  const xShape = [
    x.shape[0]!,
    w.shape[1]! * groups,
    size(x.shape[2]!, sh, top + bottom, dh, w.shape[2]!, oh),
    size(x.shape[3]!, sw, left + right, dw, w.shape[3]!, ow),
  ];
  const y = engine.runKernel(
    'Conv2DBackpropInput',
    { dy: x, w },
    { stride: [sh, sw], padding: [top, bottom, left, right], dilation: [dh, dw], groups, xShape },
  );
  const bias = inputs[2];
  return [bias === undefined ? y : y.add(bias.reshape([bias.shape[0]!, 1, 1]))];
}

/**
 * Resize of NCHW images as F.interpolate: nearest with asymmetric coordinates and floor rounding, or linear with
 * half_pixel (align_corners false) or align_corners coordinates; by scales or sizes over H and W only.
 */
const resize: OnnxOp = {
  check: (a) => {
    const mode = a.string('mode', 'nearest');
    const ctm = a.string('coordinate_transformation_mode', 'half_pixel');
    const nearest =
      mode === 'nearest' && ctm === 'asymmetric' && a.string('nearest_mode', 'round_prefer_floor') === 'floor';
    const linear = mode === 'linear' && ['half_pixel', 'pytorch_half_pixel', 'align_corners'].includes(ctm);
    if (!nearest && !linear) {
      throw a.error(
        `mode ${mode} with coordinate_transformation_mode ${ctm} is not supported (nearest: asymmetric and floor; linear: half_pixel or align_corners)`,
      );
    }
    if (a.int('exclude_outside', 0) !== 0) throw a.error('exclude_outside is not supported');
  },
  run: (inputs, a) => {
    const x = need(inputs, 0, a);
    const scales = inputs[2] === undefined || inputs[2].size === 0 ? undefined : Array.from(inputs[2].dataSync());
    const sizes = inputs[3] === undefined || inputs[3].size === 0 ? undefined : ints(inputs[3]);
    const factors = scales ?? sizes!.map((s, i) => s / x.shape[i]!);
    if (x.rank !== 4 || factors.length !== 4 || factors[0] !== 1 || factors[1] !== 1) {
      throw a.error(`only resizing H and W of NCHW images is supported, got ${nn.fmtShape(x.shape)} by [${factors}]`);
    }
    const mode = a.string('mode', 'nearest') === 'nearest' ? 'nearest' : 'bilinear';
    const target =
      scales === undefined
        ? { size: [sizes![2]!, sizes![3]!] as const }
        : { scaleFactor: [scales[2]!, scales[3]!] as const };
    const corners = a.string('coordinate_transformation_mode', 'half_pixel') === 'align_corners';
    return [nn.interpolate(x, { ...target, mode, ...(mode === 'bilinear' ? { alignCorners: corners } : {}) })];
  },
};

export const MORE_OPS: Record<string, OnnxOp> = {
  Sign: unary((x) => x.sign()),
  Floor: unary((x) => x.floor()),
  Ceil: unary((x) => x.ceil()),
  Round: unary((x) => x.round()),
  Sin: unary((x) => x.sin()),
  Cos: unary((x) => x.cos()),
  Erf: unary((x) => x.erf()),
  Elu: { run: (inputs, a) => [need(inputs, 0, a).elu(a.float('alpha', 1))] },
  Softplus: unary((x) => x.softplus()),
  IsNaN: unary((x) => bool(nn.sub(1, nn.equal(x, x)))),
  And: { run: (inputs, a) => [bool(nn.mul(need(inputs, 0, a), need(inputs, 1, a)))] },
  Or: { run: (inputs, a) => [bool(nn.maximum(need(inputs, 0, a), need(inputs, 1, a)))] },
  ConvTranspose: {
    check: (a) => {
      checkAutoPad(a);
      if (a.has('output_shape')) throw a.error('output_shape is not supported (give pads and output_padding)');
      const kernel = a.ints('kernel_shape');
      if (kernel !== undefined && kernel.length !== 2) throw a.error('only 2-D transposed convolution is supported');
    },
    run: convTranspose,
  },
  Resize: resize,
  Range: {
    run: (inputs, a) => {
      const [start, limit, delta] = [0, 1, 2].map((i) => need(inputs, i, a));
      const [s, l, d] = [start!, limit!, delta!].map((t) => t.dataSync()[0]!);
      return [nn.arange(s!, l!, d!, start!.dtype)];
    },
  },
  CumSum: {
    check: (a) => {
      if (a.int('exclusive', 0) !== 0) throw a.error('exclusive is not supported');
    },
    run: (inputs, a) => {
      const x = need(inputs, 0, a);
      const axis = axisOf(ints(need(inputs, 1, a))[0]!, x.rank);
      return [nn.cumsum(x, axis, { reverse: a.int('reverse', 0) === 1 })];
    },
  },
  TopK: {
    run: (inputs, a) => {
      const x = need(inputs, 0, a);
      const k = ints(need(inputs, 1, a))[0]!;
      const { values, indices } = nn.topk(x, k, { axis: a.int('axis', -1), largest: a.int('largest', 1) === 1 });
      return [values, indices];
    },
  },
  OneHot: {
    run: (inputs, a) => {
      const indices = need(inputs, 0, a);
      const depth = ints(need(inputs, 1, a))[0]!;
      const [off, on] = Array.from(need(inputs, 2, a).dataSync()) as [number, number];
      if (a.int('axis', -1) !== -1 && a.int('axis', -1) !== indices.rank) throw a.error('only axis -1 is supported');
      // Negative indices count from the end of depth, as ONNX says.
      const wrapped = nn.where(nn.less(indices, 0), indices.add(depth), indices).cast('int32');
      const hot = nn.oneHot(wrapped, depth);
      return [off === 0 && on === 1 ? hot : hot.mul(on - off).add(off)];
    },
  },
};
