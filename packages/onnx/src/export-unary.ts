/**
 * The 0.2 unary kernels as ONNX (opset 13-17): the ones ONNX has as they are, the others as their definitions
 * (Gelu is an operator from opset 20 only, so it is written with Erf or Tanh as PyTorch's exporter does).
 */
import type { KernelName } from '@nn/tensor/backend';
import { type ExportCall, type Mapping, same, scalarOf } from './export-ops';
import { float } from './graph-builder';

/** A scalar of x's dtype. */
function k(c: ExportCall, value: number): string {
  return scalarOf(c, c.tensor('x').dtype, value);
}

/** Floor, Ceil and Round are float operators in ONNX; int32 values are integers already. */
const rounding =
  (op: string): Mapping =>
  (c) =>
    void c.g.node(c.tensor('x').dtype === 'int32' ? 'Identity' : op, [c.input('x')], [c.out]);

function gelu(c: ExportCall): void {
  const x = c.input('x');
  const { g } = c;
  let inner: string;
  if ((c.attrs as { tanh: boolean }).tanh) {
    // tanh(sqrt(2 / pi) * (x + 0.044715 x^3))
    const cube = g.op('Mul', [x, g.op('Mul', [x, x])]);
    const poly = g.op('Add', [x, g.op('Mul', [cube, k(c, 0.044715)])]);
    inner = g.op('Tanh', [g.op('Mul', [poly, k(c, Math.sqrt(2 / Math.PI))])]);
  } else {
    inner = g.op('Erf', [g.op('Mul', [x, k(c, Math.SQRT1_2)])]);
  }
  const half = g.op('Mul', [x, k(c, 0.5)]);
  g.node('Mul', [half, g.op('Add', [inner, k(c, 1)])], [c.out]);
}

function softplus(c: ExportCall): void {
  const { beta, threshold } = c.attrs as { beta: number; threshold: number };
  const { g } = c;
  const x = c.input('x');
  const scaled = beta === 1 ? x : g.op('Mul', [x, k(c, beta)]);
  let soft = g.op('Softplus', [scaled]);
  if (beta !== 1) soft = g.op('Div', [soft, k(c, beta)]);
  // Past the threshold @nn returns x itself (the log term equals it to float precision).
  const past = g.op('Greater', [scaled, k(c, threshold)]);
  g.node('Where', [past, x, soft], [c.out]);
}

export const UNARY_MAPPINGS: Partial<Record<KernelName, Mapping>> = {
  Sign: same('Sign'),
  Floor: rounding('Floor'),
  Ceil: rounding('Ceil'),
  Round: rounding('Round'),
  Sin: same('Sin'),
  Cos: same('Cos'),
  Erf: same('Erf'),
  Reciprocal: same('Reciprocal'),
  Log1p: (c) => void c.g.node('Log', [c.g.op('Add', [c.input('x'), k(c, 1)])], [c.out]),
  Expm1: (c) => void c.g.node('Sub', [c.g.op('Exp', [c.input('x')]), k(c, 1)], [c.out]),
  Rsqrt: (c) => void c.g.node('Reciprocal', [c.g.op('Sqrt', [c.input('x')])], [c.out]),
  Silu: (c) => void c.g.node('Mul', [c.input('x'), c.g.op('Sigmoid', [c.input('x')])], [c.out]),
  Elu: (c) => void c.g.node('Elu', [c.input('x')], [c.out], { alpha: float(c.attrs.alpha as number) }),
  Gelu: gelu,
  Softplus: softplus,
};
