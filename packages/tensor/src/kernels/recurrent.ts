/**
 * The fused LSTM cell: the elementwise half of one time step (the gate nonlinearities and the state update), after
 * the gate pre-activations have been computed by matmul. One kernel per step instead of about fifteen, and a fused
 * backward that recomputes the activations from the same two inputs instead of saving them.
 */
import { DTypeError, fmtShape, ShapeError } from '../errors';
import { shapesEqual } from '../util/shape';
import { defineKernel, type NoAttrs, type TensorMeta } from './spec';

/**
 * gates [N, 4H] (pre-activations of PyTorch's gate blocks i, f, g, o) and c [N, H] of one float dtype. Returns the
 * output's shape `[2, N, H]`, the new h stacked on the new c.
 */
export function lstmCellShape(op: string, gates: TensorMeta, c: TensorMeta): number[] {
  if (gates.dtype === 'int32' || c.dtype !== gates.dtype) {
    throw new DTypeError(`${op}: gates and c need one float dtype, got ${gates.dtype} and ${c.dtype}`);
  }
  const [n, h] = c.shape;
  if (c.shape.length !== 2 || gates.shape.length !== 2 || gates.shape[0] !== n || gates.shape[1] !== 4 * h!) {
    throw new ShapeError(
      `${op}: expected gates [N, 4H] and c [N, H], got ${fmtShape(gates.shape)} and ${fmtShape(c.shape)}`,
    );
  }
  return [2, n!, h!];
}

export default {
  /**
   * i, f, o = sigmoid of gate blocks 0, 1, 3; g = tanh of block 2; c' = f * c + i * g; h' = o * tanh(c').
   * Output [2, N, H] = [h', c'].
   */
  LSTMCell: defineKernel({
    op: 'lstmCell',
    inputs: { gates: 'tensor', c: 'tensor' },
    infer: ({ gates, c }) => [{ shape: lstmCellShape('lstmCell', gates, c), dtype: gates.dtype }],
  }),
  /** The gradients [dgates, dc] of LSTMCell from dy [2, N, H] (the gradients of h' and c'). */
  LSTMCellBackward: defineKernel({
    op: 'lstmCellBackward',
    inputs: { dy: 'tensor', gates: 'tensor', c: 'tensor' },
    outputs: 2,
    infer: ({ dy, gates, c }, _attrs: NoAttrs) => {
      const out = lstmCellShape('lstmCellBackward', gates, c);
      if (dy.dtype !== gates.dtype || !shapesEqual(dy.shape, out)) {
        throw new ShapeError(
          `lstmCellBackward: dy ${dy.dtype} ${fmtShape(dy.shape)} must be the output's ${gates.dtype} ${fmtShape(out)}`,
        );
      }
      return [gates, c];
    },
  }),
};
