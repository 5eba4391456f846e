/**
 * Tracing: one forward pass of a model with a recorder on the engine (the hook the autograd tape uses), which
 * yields every kernel that ran, in order, with its inputs, attributes and outputs, and the module path that was
 * running when it ran (for error messages).
 */
import type { Module } from '@nn/layers';
import { Tensor, type TypedArray, ValueError } from '@nn/tensor';
import { engine, type KernelRecord } from '@nn/tensor/backend';

/** One recorded kernel call and the module that made it ('' is the model itself). */
export interface TracedCall {
  record: KernelRecord;
  modulePath: string;
}

export interface Trace {
  calls: TracedCall[];
  /** The forward's result, flattened to named tensors ('output' alone, else paths such as 'hidden.0'). */
  outputs: [string, Tensor][];
  /**
   * The values of tensors the forward made without a kernel (a scalar operand, a state of zeros), read when they
   * were used: inner tidy scopes dispose them before the trace is turned into a graph.
   */
  leafValues: Map<Tensor, TypedArray>;
}

/** The tensors of a forward's result (a Tensor, or arrays and plain objects of them), named by their path. */
export function flattenOutputs(value: unknown, path = ''): [string, Tensor][] {
  if (value instanceof Tensor) return [[path === '' ? 'output' : path, value]];
  const entries: [string, unknown][] = Array.isArray(value)
    ? value.map((v, i) => [String(i), v])
    : value !== null && typeof value === 'object'
      ? Object.entries(value)
      : [];
  if (entries.length === 0) {
    throw new ValueError(`exportOnnx: the model's forward must return tensors, got ${String(value)} at '${path}'`);
  }
  return entries.flatMap(([key, v]) => flattenOutputs(v, path === '' ? key : `${path}.${key}`));
}

/**
 * Runs `model.forward(...inputs)` once, recording every kernel. Recording stays on inside `noGrad`/`withoutRecording`
 * blocks (softmax computes its max there, as a constant for autograd; for the graph it is a real node).
 */
export function traceForward(model: Module, inputs: readonly Tensor[], state: ReadonlySet<Tensor>): Trace {
  const calls: TracedCall[] = [];
  const produced = new Set<Tensor>(inputs);
  const leafValues = new Map<Tensor, TypedArray>();
  const stack: string[] = [''];
  const restores: (() => void)[] = [];
  for (const [path, module] of model.namedModules()) {
    const own = Object.hasOwn(module, 'forward');
    const original = module.forward;
    const wrapped = (...args: unknown[]): unknown => {
      stack.push(path);
      try {
        return original.apply(module, args);
      } finally {
        stack.pop();
      }
    };
    Reflect.set(module, 'forward', wrapped);
    restores.push(() => (own ? Reflect.set(module, 'forward', original) : Reflect.deleteProperty(module, 'forward')));
  }
  const recorder = {
    record: (record: KernelRecord) => {
      for (const value of Object.values(record.inputs)) {
        for (const t of Array.isArray(value) ? value : [value as Tensor]) {
          if (!produced.has(t) && !state.has(t) && !leafValues.has(t)) leafValues.set(t, t.dataSync().slice());
        }
      }
      for (const t of record.outputs) produced.add(t);
      calls.push({ record, modulePath: stack.at(-1)! });
    },
  };
  const ownPause = Object.hasOwn(engine, 'withoutRecording');
  const withoutRecording = engine.withoutRecording;
  Reflect.set(engine, 'withoutRecording', <R>(fn: () => R): R => fn());
  engine.addRecorder(recorder);
  try {
    const result = model.forward(...inputs);
    return { calls, outputs: flattenOutputs(result), leafValues };
  } finally {
    engine.removeRecorder(recorder);
    if (ownPause) Reflect.set(engine, 'withoutRecording', withoutRecording);
    else Reflect.deleteProperty(engine, 'withoutRecording');
    for (const restore of restores) restore();
  }
}
