/** `exportOnnx`: an @nn model as an ONNX model, by tracing one eval-mode forward pass. */
import type { Module } from '@nn/layers';
import { checkOptions, FormatError, type OptionKeys, type Tensor, type TypedArray, tidy, ValueError } from '@nn/tensor';
import { onnxTypeOf } from './dtypes';
import { NN_MAPPINGS } from './export-nn';
import { EXPORT_MAPPINGS, type ExportCall } from './export-ops';
import { UNARY_MAPPINGS } from './export-unary';
import { onnxFiles } from './files';
import { GraphBuilder, tensorProto } from './graph-builder';
import { encodeModel, type ValueInfoProto } from './proto';
import { type TracedCall, traceForward } from './trace';

/** Options of `exportOnnx` and `exportOnnxBytes`. */
export interface ExportOnnxOptions {
  /** The ONNX opset (13 to 17; default 17). */
  opset?: number;
  /** Make axis 0 of the inputs (and of what follows it) a symbolic 'batch' dimension (default true). */
  dynamicBatch?: boolean;
  /** Graph input names, one per sample input (default 'input', or 'input0', 'input1'...). */
  inputNames?: readonly string[];
  /** Graph output names, one per output tensor (default 'output', or the output's path such as 'hidden.0'). */
  outputNames?: readonly string[];
}

const MAPPINGS = { ...EXPORT_MAPPINGS, ...UNARY_MAPPINGS, ...NN_MAPPINGS };

const OPTIONS: OptionKeys<ExportOnnxOptions> = { opset: true, dynamicBatch: true, inputNames: true, outputNames: true };

/** Every module's train/eval mode, to put back after tracing in eval mode. */
function evalModes(model: Module): () => void {
  const modes = model.modules().map((m) => [m, m.training] as const);
  model.eval();
  return () => {
    for (const [m, training] of modes) m.training = training;
  };
}

function valueInfo(name: string, tensor: Tensor, batch: boolean): ValueInfoProto {
  const dim = tensor.shape.map((d, i) => (batch && i === 0 ? { dim_param: 'batch' } : { dim_value: d }));
  return { name, type: { tensor_type: { elem_type: onnxTypeOf(tensor.dtype), shape: { dim } } } };
}

/** The calls the outputs depend on, in order. */
function liveCalls(calls: readonly TracedCall[], outputs: readonly Tensor[]): TracedCall[] {
  const producer = new Map<Tensor, number>();
  calls.forEach((call, i) => {
    for (const t of call.record.outputs) producer.set(t, i);
  });
  const live = new Set<number>();
  const pending = outputs.flatMap((t) => (producer.has(t) ? [producer.get(t)!] : []));
  while (pending.length > 0) {
    const i = pending.pop()!;
    if (live.has(i)) continue;
    live.add(i);
    for (const value of Object.values(calls[i]!.record.inputs)) {
      for (const t of Array.isArray(value) ? value : [value as Tensor]) {
        const p = producer.get(t);
        if (p !== undefined && !live.has(p)) pending.push(p);
      }
    }
  }
  return calls.filter((_, i) => live.has(i));
}

/**
 * The ONNX model of `model` run on `sampleInput`, as bytes (works in the browser too).
 * @example const bytes = exportOnnxBytes(model.eval(), randn([1, 1, 28, 28]));
 */
export function exportOnnxBytes(
  model: Module,
  sampleInput: Tensor | readonly Tensor[],
  options: ExportOnnxOptions = {},
): Uint8Array {
  checkOptions('exportOnnx', options, OPTIONS);
  const { opset = 17, dynamicBatch = true } = options;
  if (!Number.isInteger(opset) || opset < 13 || opset > 17) {
    throw new ValueError(`exportOnnx: opset must be an integer from 13 to 17, got ${opset}`);
  }
  const inputs = Array.isArray(sampleInput) ? [...sampleInput] : [sampleInput as Tensor];
  const inputNames = options.inputNames ?? (inputs.length === 1 ? ['input'] : inputs.map((_, i) => `input${i}`));
  if (inputNames.length !== inputs.length) {
    throw new ValueError(`exportOnnx: ${inputNames.length} inputNames for ${inputs.length} sample inputs`);
  }
  const restore = evalModes(model);
  try {
    return tidy(() => {
      const stateNames = [...model.namedParameters(), ...model.namedBuffers()];
      const trace = traceForward(model, inputs, new Set(stateNames.map(([, t]) => t)));
      const outputNames = options.outputNames ?? trace.outputs.map(([name]) => name);
      if (outputNames.length !== trace.outputs.length) {
        throw new ValueError(`exportOnnx: ${outputNames.length} outputNames for ${trace.outputs.length} outputs`);
      }
      const g = new GraphBuilder();
      const names = new Map<Tensor, string>();
      for (const [i, t] of inputs.entries()) names.set(t, inputNames[i]!);
      const batch = inputs[0]!.rank > 0 ? inputs[0]!.shape[0]! : -1;
      const nameOf = (t: Tensor): string => {
        let name = names.get(t);
        if (name !== undefined) return name;
        const state = stateNames.find(([, s]) => s === t);
        name = state
          ? g.initializer(state[0], t)
          : leafConstant(g, t, trace.leafValues.get(t)!, dynamicBatch ? batch : -1, inputNames[0]!);
        names.set(t, name);
        return name;
      };
      const unsupported: string[] = [];
      for (const { record, modulePath } of liveCalls(
        trace.calls,
        trace.outputs.map(([, t]) => t),
      )) {
        const mapping = MAPPINGS[record.kernelName];
        if (mapping === undefined) {
          unsupported.push(`${record.kernelName} (in ${modulePath === '' ? 'the model itself' : `'${modulePath}'`})`);
          continue;
        }
        const out = g.fresh(record.kernelName);
        names.set(record.output, out);
        const call: ExportCall = {
          g,
          input: (name) => nameOf(record.inputs[name] as Tensor),
          list: (name) => (record.inputs[name] as readonly Tensor[]).map(nameOf),
          tensor: (name) => record.inputs[name] as Tensor,
          attrs: record.attrs as Record<string, unknown>,
          out,
          output: record.output,
          dynamicBatch,
          batch,
          opset,
          batchDim: () => batchDimOf(g, inputNames[0]!),
        };
        mapping(call);
      }
      if (unsupported.length > 0) {
        throw new FormatError(`exportOnnx: no ONNX mapping for kernel ${[...new Set(unsupported)].join(', ')}`);
      }
      for (const [i, [, t]] of trace.outputs.entries()) g.node('Identity', [nameOf(t)], [outputNames[i]!]);
      return encodeModel({
        ir_version: 8,
        producer_name: '@nn/onnx',
        opset_import: [{ domain: '', version: opset }],
        graph: {
          name: model.constructor.name,
          node: g.nodes,
          initializer: g.initializers,
          input: inputs.map((t, i) => valueInfo(inputNames[i]!, t, dynamicBatch && t.rank > 0)),
          output: trace.outputs.map(([, t], i) => ({
            name: outputNames[i]!,
            type: { tensor_type: { elem_type: onnxTypeOf(t.dtype) } },
          })),
        },
      });
    });
  } finally {
    restore();
  }
}

/**
 * A tensor the forward made without a kernel (a scalar operand, an initial state of zeros). One filled with a
 * single value whose axis 0 is the batch becomes Expand(value, [batch of the first input, ...]) so it follows
 * the batch, and a 1-D 0, 1, ..., batch - 1 (the row offsets topk and sort gather their values with) becomes a
 * Range to the batch size; any other is an initializer.
 */
function leafConstant(g: GraphBuilder, t: Tensor, values: TypedArray, batch: number, firstInput: string): string {
  const filled = values.length > 0 && values.every((v) => v === values[0]);
  const counting = batch > 1 && t.rank === 1 && values.every((v, i) => v === i);
  if (batch < 1 || t.rank === 0 || t.shape[0] !== batch || !(filled || counting)) {
    g.initializers.push(tensorProto(g.fresh('const'), t.shape, t.dtype, values));
    return g.initializers.at(-1)!.name!;
  }
  const batchDim = batchDimOf(g, firstInput);
  if (counting) {
    const end = g.op('Cast', [g.op('Squeeze', [batchDim, g.int64s([0])])], { to: onnxTypeOf(t.dtype) });
    return g.op('Range', [scalarConstant(g, t.dtype, 0), end, scalarConstant(g, t.dtype, 1)]);
  }
  const shape = g.op('Concat', [batchDim, g.int64s(t.shape.slice(1))], { axis: 0 });
  const scalar = g.fresh('const');
  g.initializers.push({ name: scalar, dims: [], data_type: onnxTypeOf(t.dtype), raw_data: scalarBytes(values) });
  return g.op('Expand', [scalar, shape]);
}

/** Axis 0 of `input`'s shape as the graph runs: an int64 [1] tensor. */
function batchDimOf(g: GraphBuilder, input: string): string {
  return g.op('Slice', [g.op('Shape', [input]), g.int64s([0]), g.int64s([1])]);
}

function scalarConstant(g: GraphBuilder, dtype: Tensor['dtype'], value: number): string {
  return dtype === 'int32'
    ? g.int32(value)
    : dtype === 'float32'
      ? g.float32(value)
      : g.op('Cast', [g.float32(value)], { to: onnxTypeOf(dtype) });
}

function scalarBytes(values: TypedArray): Uint8Array {
  return new Uint8Array(values.buffer, values.byteOffset, values.BYTES_PER_ELEMENT).slice();
}

/**
 * Writes the ONNX model of `model` run on `sampleInput` to `path` (Node: the `node` export condition; elsewhere use `exportOnnxBytes`).
 * @example await exportOnnx(model, randn([1, 1, 28, 28]), 'lenet.onnx');
 */
export async function exportOnnx(
  model: Module,
  sampleInput: Tensor | readonly Tensor[],
  path: string,
  options: ExportOnnxOptions = {},
): Promise<void> {
  const files = onnxFiles('exportOnnx');
  await files.write(path, exportOnnxBytes(model, sampleInput, options));
}
