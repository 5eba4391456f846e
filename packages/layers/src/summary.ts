/**
 * `summary(model, { inputShape })`: a Keras-style table of a model's layers, output shapes and parameter counts.
 * Output shapes are not computed by formula: a forward pass on zeros is run with each module's `forward` wrapped
 * for the duration (a per-instance hook, removed afterwards), which records what every layer really returned.
 */
import { noGrad } from '@nn/autograd';
import { checkOptions, type DType, describeValue, type OptionKeys, Tensor, tidy, ValueError, zeros } from '@nn/tensor';
import type { Module } from './module';
import { registeredName } from './registry';

/** Options of `summary`: the shape of one sample, the batch size and the dtype of the zeros fed in. */
export interface SummaryOptions {
  /** The shape of one sample, without the batch axis: `[1, 28, 28]` for MNIST images. */
  inputShape: readonly number[];
  /** Samples in the forward pass, the first axis of every output shape (default 1). */
  batchSize?: number;
  /** The dtype of the zeros fed in (default 'float32'). */
  dtype?: DType;
}

const SUMMARY_OPTIONS: OptionKeys<SummaryOptions> = { inputShape: true, batchSize: true, dtype: true };

interface Row {
  module: Module;
  name: string;
  depth: number;
}

/**
 * The model's layers as a table: name (with its class, sub-modules indented under their parent), the shape of
 * what it returned for a batch of zeros, and the parameters it holds itself (buffers included); then the totals,
 * trainable (`parameters()`) and not (buffers such as BatchNorm's running statistics). Runs in eval mode without
 * gradients and leaves the model as it was.
 * @example console.log(summary(lenet5(), { inputShape: [1, 28, 28] })); // ... Total params: 61,706
 */
export function summary(model: Module, options: SummaryOptions): string {
  if (options === null || typeof options !== 'object') {
    throw new ValueError('summary: options { inputShape } are required');
  }
  checkOptions('summary', options, SUMMARY_OPTIONS);
  const { inputShape, batchSize = 1, dtype = 'float32' } = options;
  if (!Array.isArray(inputShape) || !inputShape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new ValueError(
      `summary: inputShape must be the shape of one sample (non-negative integers), got ${describeValue(inputShape)}`,
    );
  }
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new ValueError(`summary: batchSize must be a positive integer, got ${describeValue(batchSize)}`);
  }
  const rows = tree(model);
  const outputs = recordOutputs(model, rows, [batchSize, ...inputShape], dtype);

  const table = rows
    .filter((row) => row.depth > 0 || rows.length === 1 || ownCount(row.module) > 0)
    .map((row) => [
      `${'  '.repeat(Math.max(row.depth - 1, 0))}${row.name === '' ? '(model)' : row.name} (${className(row.module)})`,
      outputs.get(row.module) ?? '-',
      group(ownCount(row.module)),
    ]);
  const header = ['Layer (type)', 'Output shape', 'Param #'];
  const widths = header.map((h, c) => Math.max(h.length, ...table.map((cells) => cells[c]!.length)));
  const line = (cells: string[]) =>
    `${cells[0]!.padEnd(widths[0]!)}  ${cells[1]!.padEnd(widths[1]!)}  ${cells[2]!.padStart(widths[2]!)}`;
  const width = widths.reduce((a, b) => a + b, 0) + 4;
  const total = model.numParameters();
  const trainable = model.numParameters({ trainableOnly: true });
  return [
    `${className(model)}, input [${[batchSize, ...inputShape].join(', ')}] ${dtype}`,
    '='.repeat(width),
    line(header),
    '-'.repeat(width),
    ...table.map(line),
    '='.repeat(width),
    `Total params: ${group(total)}`,
    `Trainable params: ${group(trainable)}`,
    `Non-trainable params: ${group(total - trainable)}`,
  ].join('\n');
}

/** Every module once, depth first in `namedModules()` order, with its depth in the tree (the model is 0). */
function tree(model: Module): Row[] {
  const rows: Row[] = [];
  const seen = new Set<Module>();
  const walk = (module: Module, name: string, depth: number): void => {
    if (seen.has(module)) return;
    seen.add(module);
    rows.push({ module, name, depth });
    for (const [child, m] of module.namedChildren()) walk(m, name === '' ? child : `${name}.${child}`, depth + 1);
  };
  walk(model, '', 0);
  return rows;
}

/** Runs the model on zeros with every module's forward wrapped; returns each module's described output. */
function recordOutputs(model: Module, rows: Row[], shape: number[], dtype: DType): Map<Module, string> {
  const outputs = new Map<Module, string>();
  const restore: (() => void)[] = [];
  const modes = rows.map((row) => row.module.training);
  try {
    for (const { module } of rows) {
      const own = Object.getOwnPropertyDescriptor(module, 'forward');
      const original = module.forward;
      // An own, non-enumerable property shadows the class method; the module walk only looks at enumerable fields.
      Object.defineProperty(module, 'forward', {
        configurable: true,
        writable: true,
        enumerable: false,
        value: (...inputs: unknown[]) => {
          const out = original.apply(module, inputs);
          if (!outputs.has(module)) outputs.set(module, describeOutput(out));
          return out;
        },
      });
      restore.push(() => {
        if (own === undefined) Reflect.deleteProperty(module, 'forward');
        else Object.defineProperty(module, 'forward', own);
      });
    }
    model.eval();
    noGrad(() =>
      tidy(() => {
        model.forward(zeros(shape, dtype));
      }),
    );
  } finally {
    for (const undo of restore) undo();
    rows.forEach((row, i) => {
      row.module.training = modes[i]!;
    });
  }
  return outputs;
}

/** A forward result as the table shows it: a tensor's shape, or the shapes inside `{ output, hidden }` / arrays. */
function describeOutput(value: unknown): string {
  if (value instanceof Tensor) return `[${value.shape.join(', ')}]`;
  if (Array.isArray(value)) return `[${value.map(describeOutput).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    // A result such as MultiheadAttention's { output, weights: null } shows what it holds, not its empty slots.
    return Object.entries(value)
      .filter(([, v]) => v !== null && v !== undefined)
      .map(([key, v]) => `${key} ${describeOutput(v)}`)
      .join(', ');
  }
  return typeof value;
}

/** Values held by `module` itself (parameters and buffers), not by its sub-modules. */
function ownCount(module: Module): number {
  const tensorsOf = (m: Module) => [...m.parameters(), ...m.buffers()];
  const inChildren = new Set(module.children().flatMap(tensorsOf));
  return [...new Set(tensorsOf(module))].filter((t) => !inChildren.has(t)).reduce((n, t) => n + t.size, 0);
}

function className(module: Module): string {
  return registeredName(module) ?? module.constructor.name;
}

/** 61706 -> '61,706' (the same on every locale). */
function group(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
