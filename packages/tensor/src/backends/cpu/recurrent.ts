/**
 * The fused LSTM cell and its backward, one pass over [N, H] each. Activations are computed in float64 and the
 * results stored in the tensors' dtype; the backward recomputes i, f, g, o and tanh(c') from gates and c.
 */
import { type KernelFn, outputInfo } from '../../backend/interface';
import { typedArrayFor } from '../../types';

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

const lstmCell: KernelFn<'LSTMCell'> = ({ inputs: { gates, c }, outputs: [y], backend }) => {
  const [n, h] = c.shape as [number, number];
  const gs = backend.readSync(gates.dataId);
  const cs = backend.readSync(c.dataId);
  const out = typedArrayFor(y.dtype, 2 * n * h);
  const cBase = n * h;
  for (let r = 0; r < n; r++) {
    const row = r * 4 * h;
    for (let j = 0; j < h; j++) {
      const i = sigmoid(gs[row + j]!);
      const f = sigmoid(gs[row + h + j]!);
      const g = Math.tanh(gs[row + 2 * h + j]!);
      const o = sigmoid(gs[row + 3 * h + j]!);
      const cNext = f * cs[r * h + j]! + i * g;
      out[r * h + j] = o * Math.tanh(cNext);
      out[cBase + r * h + j] = cNext;
    }
  }
  return outputInfo(backend, out, y.shape, y.dtype);
};

const lstmCellBackward: KernelFn<'LSTMCellBackward'> = ({
  inputs: { dy, gates, c },
  outputs: [dGatesMeta, dcMeta],
  backend,
}) => {
  const [n, h] = c.shape as [number, number];
  const [gs, cs, dys] = [gates, c, dy].map((t) => backend.readSync(t.dataId));
  const dGates = typedArrayFor(dGatesMeta.dtype, 4 * n * h);
  const dc = typedArrayFor(dcMeta.dtype, n * h);
  const cBase = n * h;
  for (let r = 0; r < n; r++) {
    const row = r * 4 * h;
    for (let j = 0; j < h; j++) {
      const i = sigmoid(gs![row + j]!);
      const f = sigmoid(gs![row + h + j]!);
      const g = Math.tanh(gs![row + 2 * h + j]!);
      const o = sigmoid(gs![row + 3 * h + j]!);
      const cPrev = cs![r * h + j]!;
      const t = Math.tanh(f * cPrev + i * g);
      const dh = dys![r * h + j]!;
      // The gradient reaching c' from both outputs: directly, and through h' = o * tanh(c').
      const dcNext = dys![cBase + r * h + j]! + dh * o * (1 - t * t);
      dGates[row + j] = dcNext * g * i * (1 - i);
      dGates[row + h + j] = dcNext * cPrev * f * (1 - f);
      dGates[row + 2 * h + j] = dcNext * i * (1 - g * g);
      dGates[row + 3 * h + j] = dh * t * o * (1 - o);
      dc[r * h + j] = dcNext * f;
    }
  }
  return [
    outputInfo(backend, dGates, dGatesMeta.shape, dGatesMeta.dtype),
    outputInfo(backend, dc, dcMeta.shape, dcMeta.dtype),
  ] as const;
};

export const recurrentKernels = { LSTMCell: lstmCell, LSTMCellBackward: lstmCellBackward };
