/** Binary elementwise kernels: two inputs of one dtype, broadcast together with NumPy rules; and Where. */
import { DTypeError, fmtShape } from '../errors';
import type { DType } from '../types';
import { broadcastShapes } from './geometry';
import { defineKernel, type TensorMeta } from './spec';

function sameDType(op: string, a: TensorMeta, b: TensorMeta): void {
  if (a.dtype !== b.dtype) {
    throw new DTypeError(`${op}: dtypes differ: ${a.dtype} ${fmtShape(a.shape)} and ${b.dtype} ${fmtShape(b.shape)}`);
  }
}

/** `dtypeOf` maps the inputs' dtype to the output's: the inputs' own, except comparisons and int32 division. */
function binary(op: string, dtypeOf: (input: DType) => DType = (input) => input) {
  return defineKernel({
    op,
    inputs: { a: 'tensor', b: 'tensor' },
    infer: ({ a, b }) => {
      sameDType(op, a, b);
      return [{ shape: broadcastShapes(op, a.shape, b.shape), dtype: dtypeOf(a.dtype) }];
    },
  });
}

/** Comparisons return float32 0/1 whatever they compare. */
const float32 = (): DType => 'float32';

export default {
  Add: binary('add'),
  Sub: binary('sub'),
  Mul: binary('mul'),
  /** True division: int32 / int32 is float32, as in PyTorch. */
  Div: binary('div', (input) => (input === 'int32' ? 'float32' : input)),
  Pow: binary('pow'),
  Maximum: binary('maximum'),
  Minimum: binary('minimum'),
  Equal: binary('equal', float32),
  Greater: binary('greater', float32),
  Less: binary('less', float32),
  /** where(condition != 0, a, b), all three broadcast together; the output has a's dtype. */
  Where: defineKernel({
    op: 'where',
    inputs: { condition: 'tensor', a: 'tensor', b: 'tensor' },
    infer: ({ condition, a, b }) => {
      sameDType('where', a, b);
      return [{ shape: broadcastShapes('where', condition.shape, a.shape, b.shape), dtype: a.dtype }];
    },
  }),
};
