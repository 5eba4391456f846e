/**
 * Reads the op-parity fixtures written by `<family>.py` (see torch_cases.py) and checks an @nn op against them:
 * forward outputs, then the gradient of sum(output_i * cotangent_i) with respect to every float input.
 */
import { readFileSync } from 'node:fs';
import { type DType, type Tensor, tensor } from '@nn/tensor';
import { expect } from 'vitest';
import { grad } from '../../src';

export interface TensorJson {
  shape: number[];
  dtype: DType;
  values: number[];
}

export interface ParityCase {
  name: string;
  op: string;
  args: Record<string, unknown>;
  inputs: Record<string, TensorJson>;
  outputs: TensorJson[];
  cotangents: (TensorJson | null)[];
  grads: Record<string, TensorJson>;
}

/** An @nn call under test: the case's inputs by name and its JSON arguments -> one tensor or a list. */
export type ParityRun = (inputs: Record<string, Tensor>, args: Record<string, unknown>) => Tensor | readonly Tensor[];

/** A case's JSON arguments as the options object of the op under test (the generator wrote them for it). */
export function asOptions<T>(args: Record<string, unknown>): T {
  return args as unknown as T;
}

/** The cases of `<family>.json` next to this file. */
export function loadParityCases(family: string): ParityCase[] {
  const url = new URL(`./${family}.json`, import.meta.url);
  // The generator writes non-finite values (an additive -inf mask) as the strings "inf", "-inf" and "nan".
  const nonFinite: Record<string, number> = {
    inf: Number.POSITIVE_INFINITY,
    '-inf': Number.NEGATIVE_INFINITY,
    nan: Number.NaN,
  };
  const revive = (_key: string, value: unknown) =>
    typeof value === 'string' && value in nonFinite ? nonFinite[value] : value;
  return (JSON.parse(readFileSync(url, 'utf8'), revive) as { cases: ParityCase[] }).cases;
}

/** A fixture tensor as an @nn tensor: float64 by default (gradients are checked in float64), or `dtype`. */
export function fromJson(t: TensorJson, dtype?: DType): Tensor {
  return tensor(t.values, t.shape, dtype ?? t.dtype);
}

function expectClose(actual: Tensor, expected: TensorJson, what: string, tol: number): void {
  expect(actual.shape, `${what}: shape`).toEqual(expected.shape);
  const got = Array.from(actual.dataSync());
  for (let i = 0; i < got.length; i++) {
    const want = expected.values[i]!;
    const diff = Math.abs(got[i]! - want);
    if (!(diff <= tol * (1 + Math.abs(want))) && !(Number.isNaN(want) && Number.isNaN(got[i]!))) {
      throw new Error(`${what}: element ${i} is ${got[i]}, PyTorch gives ${want} (tolerance ${tol})`);
    }
  }
}

/**
 * Runs `run(inputs, args)` (returns one tensor or a list) on the case's inputs and compares outputs and input
 * gradients with PyTorch's. Integer inputs stay int32 and get no gradient.
 */
export function checkParityCase(
  c: ParityCase,
  run: ParityRun,
  { tol = 1e-9, checkGrads = true }: { tol?: number; checkGrads?: boolean } = {},
): void {
  const names = Object.keys(c.inputs);
  const inputs = Object.fromEntries(names.map((n) => [n, fromJson(c.inputs[n]!)]));
  const outs = [run(inputs, c.args)].flat() as Tensor[];
  expect(outs.length, `${c.name}: number of outputs`).toBe(c.outputs.length);
  outs.forEach((o, i) => {
    expectClose(o, c.outputs[i]!, `${c.name}: output ${i}`, tol);
  });
  const wrt = Object.keys(c.grads);
  if (!checkGrads || wrt.length === 0) return;
  const loss = (...xs: Tensor[]) => {
    const given = { ...inputs, ...Object.fromEntries(wrt.map((n, i) => [n, xs[i]!])) };
    const ys = [run(given, c.args)].flat() as Tensor[];
    let total: Tensor | null = null;
    ys.forEach((y, i) => {
      const w = c.cotangents[i];
      if (!w) return;
      const term = y.mul(fromJson(w)).sum();
      total = total === null ? term : total.add(term);
    });
    return total as unknown as Tensor;
  };
  const grads = grad(loss)(...wrt.map((n) => inputs[n]!));
  wrt.forEach((n, i) => {
    expectClose(grads[i]!, c.grads[n]!, `${c.name}: d/d${n}`, tol);
  });
}
