/**
 * What one kernel call is made of, around the engine's dispatch (engine.ts): what recorders and observers see of
 * it, and the checks on its inputs and outputs (the test-mode ones run when `engine.checkKernels` is on).
 */
import type { Backend } from './backend/interface';
import { NNError, ValueError } from './errors';
import type { KernelName } from './kernels/contract';
import type { InputKinds, TensorMeta } from './kernels/spec';
import { Tensor } from './tensor';
import type { TensorInfo } from './types';
import { shapesEqual } from './util/shape';

/** Inputs as a recorder sees them: single tensors or lists of them (Concat). */
export type KernelTensors = Readonly<Record<string, Tensor | readonly Tensor[]>>;

/** One kernel execution, as the autograd tape sees it. */
export interface KernelRecord {
  kernelName: KernelName;
  inputs: KernelTensors;
  attrs: object;
  /** The (first) output. */
  output: Tensor;
  /** Every output, in order: `[output]` except for the multi-output kernels. */
  outputs: readonly Tensor[];
}

/** Receives every kernel call while recording (autograd's tape implements it). */
export interface KernelRecorder {
  /** Called after every kernel while recording is not paused. */
  record(entry: KernelRecord): void;
}

/** One kernel call as an observer sees it: which kernel, on which backend, whether it fell back to the CPU kernels. */
export interface KernelCall {
  kernelName: KernelName;
  /** The active backend the call was made on. */
  backend: Backend;
  /** True when the reference CPU kernels computed it: the engine's fallback or a host path the backend reported. */
  fallback: boolean;
  /** The input tensors, lists flattened, in the order the call named them. */
  inputs: readonly Tensor[];
  /** The attributes it was called with (declarations of unsupported attribute values are checked against them). */
  attrs: object;
}

/** Called after every kernel call, recording paused or not (the conformance suite listens here). */
export type KernelObserver = (call: KernelCall) => void;

/** The call's input tensors (lists flattened, optional ones left out skipped): each must be a live Tensor. */
export function inputTensors(
  kernelName: KernelName,
  spec: { readonly op: string; readonly inputs: InputKinds },
  inputs: object,
): Tensor[] {
  const { op } = spec;
  const list: Tensor[] = [];
  for (const name in inputs) {
    const value = (inputs as Record<string, unknown>)[name];
    if (value === undefined && spec.inputs[name] === 'optional') continue;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) list.push(liveTensor(kernelName, op, `${name}[${i}]`, value[i]));
    } else {
      list.push(liveTensor(kernelName, op, name, value));
    }
  }
  return list;
}

function liveTensor(kernelName: KernelName, op: string, name: string, value: unknown): Tensor {
  if (!(value instanceof Tensor)) {
    throw new ValueError(`${op}: ${name} must be a Tensor, got ${value === null ? 'null' : typeof value}`);
  }
  value.throwIfDisposed(kernelName);
  return value;
}

/** Whether `backend` can hold every input and output of the call (float64 lives on the CPU backend). */
export function storable(backend: Backend, inputs: readonly Tensor[], outputs: readonly TensorMeta[]): boolean {
  for (const t of inputs) if (!backend.supportsDType(t.dtype)) return false;
  for (const o of outputs) if (!backend.supportsDType(o.dtype)) return false;
  return true;
}

/**
 * Test mode: the call names exactly the spec's inputs (optional ones may be left out), with a tensor or a list of
 * tensors as each one's kind says.
 */
export function checkInputNames(
  kernelName: KernelName,
  spec: { readonly inputs: InputKinds; readonly inputNames: readonly string[] },
  inputs: object,
): void {
  const given = Object.keys(inputs);
  const expected = spec.inputNames;
  const missing = expected.filter((name) => spec.inputs[name] !== 'optional' && !given.includes(name));
  if (missing.length > 0 || given.some((name) => !expected.includes(name))) {
    throw new NNError(
      `${kernelName}: called with inputs {${given.join(', ')}}, the spec takes {${expected.join(', ')}}`,
    );
  }
  for (const name of expected) {
    const value = (inputs as Record<string, unknown>)[name];
    if (value === undefined && spec.inputs[name] === 'optional') continue;
    const isList = Array.isArray(value);
    if (isList !== (spec.inputs[name] === 'tensors')) {
      throw new NNError(`${kernelName}: input ${name} must be ${isList ? 'one tensor' : 'a list of tensors'}`);
    }
  }
}

/** Test mode: the backend returned the outputs the spec resolved. */
export function checkOutputs(
  kernelName: KernelName,
  backend: Backend,
  infos: readonly TensorInfo[],
  outputs: readonly TensorMeta[],
): void {
  infos.forEach((info, i) => {
    const expected = outputs[i]!;
    if (!shapesEqual(info.shape, expected.shape) || info.dtype !== expected.dtype) {
      throw new NNError(
        `${kernelName}: backend '${backend.name}' returned output ${i} as [${info.shape}] ${info.dtype}, ` +
          `the spec resolved [${expected.shape}] ${expected.dtype}`,
      );
    }
  });
}
