/** conv2d forward and its two backward passes at LeNet's shapes and at a larger layer, in GFLOP/s. */
import { conv2d, conv2dBackpropFilter, conv2dBackpropInput, type Tensor, tensor } from '@nn/tensor';
import { type BenchContext, hwioToOihw, nchwToNhwc, nhwcToNchw, oihwToHwio, seededData } from '../context';
import type { CellFactory, PreparedCell, Workload } from '../harness';
import { type NnBackend, nnFallbackProbe, prepareNn, useNn } from '../peers/nn';
import { tf, useTf } from '../peers/tfjs';

interface ConvShape {
  name: string;
  x: [number, number, number, number];
  w: [number, number, number, number];
  pad: number;
}

type Pass = 'forward' | 'backprop-input' | 'backprop-filter';
const PASSES: Pass[] = ['forward', 'backprop-input', 'backprop-filter'];
const TF_KERNEL: Record<Pass, string> = {
  forward: 'Conv2D',
  'backprop-input': 'Conv2DBackpropInput',
  'backprop-filter': 'Conv2DBackpropFilter',
};

function outShape(s: ConvShape): [number, number, number, number] {
  const [n, , h, w] = s.x;
  const [o, , kh, kw] = s.w;
  return [n, o, h + 2 * s.pad - kh + 1, w + 2 * s.pad - kw + 1];
}

export function convWorkloads(ctx: BenchContext): Workload[] {
  const shapes: ConvShape[] = ctx.quick
    ? [
        { name: 'lenet-c1', x: [2, 1, 28, 28], w: [6, 1, 5, 5], pad: 2 },
        { name: 'small', x: [2, 8, 8, 8], w: [8, 8, 3, 3], pad: 1 },
      ]
    : [
        { name: 'lenet-c1', x: [64, 1, 28, 28], w: [6, 1, 5, 5], pad: 2 },
        { name: 'lenet-c3', x: [64, 6, 14, 14], w: [16, 6, 5, 5], pad: 0 },
        { name: '64x64-3x3', x: [32, 64, 32, 32], w: [64, 64, 3, 3], pad: 1 },
      ];
  const workloads: Workload[] = [];
  for (const shape of shapes) {
    const y = outShape(shape);
    const xData = seededData(
      shape.x.reduce((a, b) => a * b),
      11,
    );
    const wData = seededData(
      shape.w.reduce((a, b) => a * b),
      12,
      0.2,
    );
    const dyData = seededData(
      y.reduce((a, b) => a * b),
      13,
    );
    const flops = 2 * y[0] * y[1] * y[2] * y[3] * shape.w[1] * shape.w[2] * shape.w[3];
    for (const pass of PASSES) {
      const cells: Record<string, CellFactory> = {};
      for (const backend of ctx.nn) cells[backend.label] = () => nnCell(backend, pass, shape, xData, wData, dyData);
      for (const backend of ctx.tfjs) {
        cells[backend.label] = tf.getKernel(TF_KERNEL[pass], backend.name)
          ? () => tfCell(backend.name, pass, shape, xData, wData, dyData)
          : { unavailable: `tfjs-${backend.name} has no ${TF_KERNEL[pass]} kernel` };
      }
      cells.convnetjs = { unavailable: 'per-sample layers only; measured in the training rows' };
      cells['brain.js'] = { unavailable: 'no convolutions' };
      workloads.push({
        id: `conv-${shape.name}-${pass}`,
        title: `conv2d ${pass} x[${shape.x}] w[${shape.w}] pad ${shape.pad}`,
        unit: 'GFLOP/s',
        workPerRun: flops,
        tolerance: 2e-3,
        cells,
      });
    }
  }
  return workloads;
}

async function nnCell(
  backend: NnBackend,
  pass: Pass,
  s: ConvShape,
  xData: Float32Array,
  wData: Float32Array,
  dyData: Float32Array,
): Promise<PreparedCell> {
  await useNn(backend);
  const x = tensor(xData, s.x);
  const w = tensor(wData, s.w);
  const dy = tensor(dyData, outShape(s));
  const attrs = { stride: [1, 1] as const, padding: [s.pad, s.pad, s.pad, s.pad] as const };
  let out: Tensor | null = null;
  const probe = backend.name === 'cpu' ? null : nnFallbackProbe();
  let fallback = '';
  return {
    beforeRun: () => prepareNn(backend),
    run: async () => {
      await useNn(backend);
      probe?.reset();
      out?.dispose();
      if (pass === 'forward') out = conv2d(x, w, { padding: s.pad });
      else if (pass === 'backprop-input') out = conv2dBackpropInput(dy, w, { ...attrs, xShape: s.x });
      else out = conv2dBackpropFilter(x, dy, { ...attrs, wShape: s.w });
      await out.data();
      fallback = probe?.read() ?? '';
    },
    output: async () => Float32Array.from(await out!.data()),
    facts: (): Record<string, string> => (probe ? { fallback } : {}),
    dispose: () => {
      for (const t of [x, w, dy, out]) t?.dispose();
    },
  };
}

async function tfCell(
  name: string,
  pass: Pass,
  s: ConvShape,
  xData: Float32Array,
  wData: Float32Array,
  dyData: Float32Array,
): Promise<PreparedCell> {
  const t = await useTf(name);
  const [n, c, h, w] = s.x;
  const y = outShape(s);
  const x = t.tensor4d(nchwToNhwc(xData, s.x), [n, h, w, c]);
  const filter = t.tensor4d(oihwToHwio(wData, s.w), [s.w[2], s.w[3], s.w[1], s.w[0]]);
  const dy = t.tensor4d(nchwToNhwc(dyData, y), [y[0], y[2], y[3], y[1]]);
  let out: ReturnType<typeof t.conv2d> | null = null;
  return {
    run: async () => {
      await useTf(name);
      out?.dispose();
      if (pass === 'forward') out = t.conv2d(x, filter, 1, s.pad);
      else if (pass === 'backprop-input') out = t.conv2dTranspose(dy, filter, [n, h, w, c], 1, s.pad);
      else {
        const attrs = { strides: [1, 1], pad: s.pad, dataFormat: 'NHWC', filterShape: filter.shape };
        out = t.engine().runKernel('Conv2DBackpropFilter', { x, dy }, attrs) as typeof out;
      }
      await out!.data();
    },
    output: async () => {
      const values = await out!.data();
      if (pass === 'forward') return nhwcToNchw(values, y);
      if (pass === 'backprop-input') return nhwcToNchw(values, s.x);
      return hwioToOihw(values, s.w);
    },
    dispose: () => {
      for (const tensor4 of [x, filter, dy, out]) tensor4?.dispose();
    },
  };
}
