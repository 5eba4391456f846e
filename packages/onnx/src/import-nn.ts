/** ONNX operators of neural-network layers run with @nn ops: Gemm/MatMul, Conv, pooling, normalization, softmax, LSTM. */

import type { Tensor } from '@nn/tensor';
import * as nn from '@nn/tensor';
import { engine } from '@nn/tensor/backend';
import { axisOf, need, type OnnxOp } from './import-ops';
import type { Attributes } from './parse';

/** 2-D windows only, without dilation, with explicit pads (auto_pad NOTSET or VALID). */
function checkWindow(a: Attributes, what: string, dilated = false): void {
  const pad = a.string('auto_pad', 'NOTSET');
  if (pad !== 'NOTSET' && pad !== 'VALID') throw a.error(`auto_pad ${pad} is not supported`);
  if (!dilated && (a.ints('dilations') ?? []).some((d) => d !== 1)) {
    throw a.error(`${what} with dilation is not supported`);
  }
  if (a.int('ceil_mode', 0) !== 0) throw a.error('ceil_mode is not supported');
  const kernel = a.ints('kernel_shape');
  if (kernel !== undefined && kernel.length !== 2) throw a.error(`only 2-D ${what} is supported`);
}

/** stride, and padding as @nn's [top, bottom, left, right] from ONNX's [top, left, bottom, right]. */
function windowAttrs(a: Attributes): { stride: [number, number]; padding: [number, number, number, number] } {
  const [sh = 1, sw = 1] = a.ints('strides') ?? [];
  const [top = 0, left = 0, bottom = 0, right = 0] = a.ints('pads') ?? [];
  return { stride: [sh, sw], padding: [top, bottom, left, right] };
}

function pool(kernel: 'MaxPool2D' | 'AvgPool2D'): OnnxOp {
  return {
    check: (a) => {
      checkWindow(a, 'pooling');
      if (a.ints('kernel_shape') === undefined) throw a.error('kernel_shape is required');
      if (a.has('storage_order') && a.int('storage_order', 0) !== 0) throw a.error('storage_order 1 is not supported');
      const pads = a.ints('pads') ?? [];
      if (kernel === 'AvgPool2D' && a.int('count_include_pad', 0) === 0 && pads.some((p) => p !== 0)) {
        throw a.error('average pooling of padded windows without count_include_pad is not supported');
      }
    },
    run: (inputs, a) => {
      const [kh, kw] = a.ints('kernel_shape')!;
      return [engine.runKernel(kernel, { x: need(inputs, 0, a) }, { kernelSize: [kh!, kw!], ...windowAttrs(a) })];
    },
  };
}

/** [C] statistics shaped to broadcast against [N, C, ...]. */
function perChannel(t: Tensor, rank: number): Tensor {
  return t.reshape([t.shape[0]!, ...Array.from({ length: rank - 2 }, () => 1)]);
}

function softmaxOp(fn: (x: Tensor, axis: number) => Tensor): OnnxOp {
  return { run: (inputs, a) => [fn(need(inputs, 0, a), a.int('axis', -1))] };
}

/**
 * ONNX LSTM, forward direction, layout 0: X [T, N, I], W [1, 4H, I], R [1, 4H, H], B [1, 8H] with gates in the
 * order i, o, f, c. Outputs Y [T, 1, N, H], Y_h and Y_c [1, N, H].
 */
function lstm(inputs: readonly (Tensor | undefined)[], a: Attributes): Tensor[] {
  const x = need(inputs, 0, a);
  const w = need(inputs, 1, a).reshape(need(inputs, 1, a).shape.slice(1));
  const r = need(inputs, 2, a).reshape(need(inputs, 2, a).shape.slice(1));
  const hidden = r.shape[1]!;
  const [steps, batch] = [x.shape[0]!, x.shape[1]!];
  let projected = nn.matmul(x, w, { transposeB: true });
  if (inputs[3] !== undefined) {
    const b = inputs[3].reshape([8 * hidden]);
    projected = projected.add(b.slice([0], [4 * hidden]).add(b.slice([4 * hidden], [4 * hidden])));
  }
  const state = (t: Tensor | undefined) =>
    t === undefined ? nn.zeros([batch, hidden], x.dtype) : t.reshape([batch, hidden]);
  let h = state(inputs[5]);
  let c = state(inputs[6]);
  const gate = (g: Tensor, k: number) => g.slice([0, k * hidden], [batch, hidden]);
  const outputs: Tensor[] = [];
  for (let t = 0; t < steps; t++) {
    const g = projected
      .slice([t, 0, 0], [1, batch, 4 * hidden])
      .reshape([batch, 4 * hidden])
      .add(nn.matmul(h, r, { transposeB: true }));
    const i = gate(g, 0).sigmoid();
    const o = gate(g, 1).sigmoid();
    const f = gate(g, 2).sigmoid();
    c = f.mul(c).add(i.mul(gate(g, 3).tanh()));
    h = o.mul(c.tanh());
    outputs.push(h);
  }
  return [
    nn.stack(outputs, 0).reshape([steps, 1, batch, hidden]),
    h.reshape([1, batch, hidden]),
    c.reshape([1, batch, hidden]),
  ];
}

export const NN_OPS: Record<string, OnnxOp> = {
  Gemm: {
    run: (inputs, a) => {
      const transposeA = a.int('transA', 0) === 1;
      const transposeB = a.int('transB', 0) === 1;
      let y = nn.matmul(need(inputs, 0, a), need(inputs, 1, a), { transposeA, transposeB });
      const alpha = a.float('alpha', 1);
      if (alpha !== 1) y = y.mul(alpha);
      const c = inputs[2];
      if (c !== undefined) {
        const beta = a.float('beta', 1);
        y = y.add(beta === 1 ? c : c.mul(beta));
      }
      return [y];
    },
  },
  MatMul: { run: (inputs, a) => [nn.matmul(need(inputs, 0, a), need(inputs, 1, a))] },
  Conv: {
    check: (a) => {
      checkWindow(a, 'convolution', true);
    },
    run: (inputs, a) => {
      const x = need(inputs, 0, a);
      const w = need(inputs, 1, a);
      if (x.rank !== 4) throw a.error(`only 2-D convolution is supported, got input ${nn.fmtShape(x.shape)}`);
      const [dh = 1, dw = 1] = a.ints('dilations') ?? [];
      const attrs = { ...windowAttrs(a), dilation: [dh, dw] as [number, number], groups: a.int('group', 1) };
      const y = engine.runKernel('Conv2D', { x, w }, attrs);
      return [inputs[2] === undefined ? y : y.add(perChannel(inputs[2], 4))];
    },
  },
  MaxPool: pool('MaxPool2D'),
  AveragePool: pool('AvgPool2D'),
  GlobalAveragePool: {
    run: (inputs, a) => {
      const x = need(inputs, 0, a);
      return [
        x.mean(
          Array.from({ length: x.rank - 2 }, (_, i) => i + 2),
          true,
        ),
      ];
    },
  },
  BatchNormalization: {
    check: (a) => {
      if (a.int('training_mode', 0) !== 0) throw a.error('training_mode 1 is not supported (export in eval mode)');
    },
    run: (inputs, a) => {
      const x = need(inputs, 0, a);
      const [scale, bias, mean, variance] = [1, 2, 3, 4].map((i) => perChannel(need(inputs, i, a), x.rank));
      const std = variance!.add(a.float('epsilon', 1e-5)).sqrt();
      return [x.sub(mean!).div(std).mul(scale!).add(bias!)];
    },
  },
  LayerNormalization: {
    check: (a) => {
      if (a.int('stash_type', 1) !== 1) throw a.error('stash_type other than float32 is not supported');
    },
    run: (inputs, a) => {
      const x = need(inputs, 0, a);
      const axis = axisOf(a.int('axis', -1), x.rank);
      const axes = Array.from({ length: x.rank - axis }, (_, i) => axis + i);
      const trailing = x.shape.slice(axis);
      const scale = need(inputs, 1, a);
      const fits = (t: Tensor | undefined) =>
        t === undefined || (t.rank === trailing.length && t.shape.every((d, i) => d === trailing[i]));
      if (x.dtype !== 'int32' && fits(scale) && fits(inputs[2])) {
        // The fused kernel when scale and bias have the normalised shape (what exporters write).
        const eps = a.float('epsilon', 1e-5);
        return [nn.layerNorm(x, trailing, { weight: scale, ...(inputs[2] ? { bias: inputs[2] } : {}), eps })];
      }
      const centered = x.sub(x.mean(axes, true));
      let y = centered.div(centered.square().mean(axes, true).add(a.float('epsilon', 1e-5)).sqrt()).mul(scale);
      if (inputs[2] !== undefined) y = y.add(inputs[2]);
      return [y];
    },
  },
  Softmax: softmaxOp(nn.softmax),
  LogSoftmax: softmaxOp(nn.logSoftmax),
  LSTM: {
    check: (a) => {
      if (a.string('direction', 'forward') !== 'forward') throw a.error('only the forward direction is supported');
      if (a.int('layout', 0) !== 0 || a.int('input_forget', 0) !== 0 || a.has('clip') || a.has('activations')) {
        throw a.error('only the default layout, activations and no clip are supported');
      }
      const names = a.node.input ?? [];
      if ((names[4] ?? '') !== '' || (names[7] ?? '') !== '')
        throw a.error('sequence_lens and peepholes are not supported');
    },
    run: lstm,
  },
};
