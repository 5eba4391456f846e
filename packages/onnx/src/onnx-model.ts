/** `OnnxModel`: an ONNX graph as an @nn Module whose float initializers are its parameters. */
import { Module } from '@nn/layers';
import { FormatError, fmtShape, keep, type Tensor, tensor, tidy, ValueError } from '@nn/tensor';
import { dtypeOfOnnx } from './dtypes';
import { MORE_OPS } from './import-more';
import { NN_OPS } from './import-nn';
import { BASIC_OPS, type OnnxOp } from './import-ops';
import { Attributes, type HostTensor, type ParsedModel, readTensor } from './parse';
import type { NodeProto } from './proto';

/** Every operator loadOnnx runs (the default ONNX domain). */
export const IMPORT_OPS: Record<string, OnnxOp> = { ...BASIC_OPS, ...NN_OPS, ...MORE_OPS };

interface Step {
  node: NodeProto;
  op: OnnxOp;
  attrs: Attributes;
}

/** The operators of `model` that cannot run, each once, and the attributes of supported ones that cannot. */
export function unsupportedOperators(model: ParsedModel): string[] {
  const problems = new Set<string>();
  model.graph.node.forEach((node, i) => {
    const domain = node.domain ?? '';
    const op = domain === '' || domain === 'ai.onnx' ? IMPORT_OPS[node.op_type ?? ''] : undefined;
    if (op === undefined) {
      problems.add(domain === '' ? `${node.op_type}` : `${domain}:${node.op_type}`);
      return;
    }
    try {
      op.check?.(new Attributes(node, i));
    } catch (error) {
      problems.add((error as Error).message.replace(/^loadOnnx: /, ''));
    }
  });
  return [...problems];
}

/**
 * An ONNX model run with `@nn` ops on the active backend. `forward(...inputs)` takes one tensor per graph input and
 * returns the output tensor, or an object of them by output name when the graph has several. Float initializers
 * are parameters named as in the file (BatchNormalization statistics are buffers), so an optimizer can fine-tune
 * them and `stateDict()` saves them.
 */
export class OnnxModel extends Module {
  readonly #steps: Step[];
  readonly #inputs: { name: string; dtype: ReturnType<typeof dtypeOfOnnx>; rank: number }[];
  readonly #outputs: string[];
  /** ONNX value name -> the field holding it (parameters and buffers) or a kept constant (int initializers). */
  readonly #fields = new Map<string, string>();
  readonly #constants = new Map<string, Tensor>();

  constructor(model: ParsedModel) {
    super();
    const { graph } = model;
    const statistics = new Set(
      graph.node.filter((n) => n.op_type === 'BatchNormalization').flatMap((n) => (n.input ?? []).slice(3, 5)),
    );
    const initializers = new Set<string>();
    for (const [i, t] of (graph.initializer ?? []).entries()) {
      const name = t.name ?? `initializer${i}`;
      initializers.add(name);
      const host: HostTensor = readTensor(t, `initializer '${name}'`);
      const value = tensor(host.values, host.shape, host.dtype);
      if (host.dtype === 'int32') {
        this.#constants.set(name, keep(value));
        continue;
      }
      const field = name in this ? `${name}_` : name;
      this.#fields.set(name, field);
      if (statistics.has(name)) this.registerBuffer(field, value);
      else this.registerParameter(field, value);
    }
    this.#inputs = (graph.input ?? [])
      .filter((v) => !initializers.has(v.name ?? ''))
      .map((v) => {
        const type = v.type?.tensor_type;
        return {
          name: v.name ?? '',
          dtype: dtypeOfOnnx(type?.elem_type ?? 1, `input '${v.name}'`),
          rank: type?.shape?.dim?.length ?? -1,
        };
      });
    this.#outputs = (graph.output ?? []).map((v) => v.name ?? '');
    this.#steps = graph.node.map((node, i) => ({
      node,
      op: IMPORT_OPS[node.op_type ?? '']!,
      attrs: new Attributes(node, i),
    }));
  }

  /** The graph's input names, in the order `forward` takes them. */
  get inputNames(): string[] {
    return this.#inputs.map((i) => i.name);
  }

  /** The graph's output names. */
  get outputNames(): string[] {
    return [...this.#outputs];
  }

  forward(...inputs: Tensor[]): Tensor | Record<string, Tensor> {
    if (inputs.length !== this.#inputs.length) {
      throw new ValueError(
        `OnnxModel: the graph takes ${this.#inputs.length} input(s) (${this.inputNames.join(', ')}), got ${inputs.length}`,
      );
    }
    return tidy(() => {
      const env = new Map<string, Tensor>(this.#constants);
      for (const [onnxName, field] of this.#fields) env.set(onnxName, Reflect.get(this, field) as Tensor);
      this.#inputs.forEach((spec, i) => {
        const x = inputs[i]!;
        if (spec.rank >= 0 && x.rank !== spec.rank) {
          throw new ValueError(`OnnxModel: input '${spec.name}' must have rank ${spec.rank}, got ${fmtShape(x.shape)}`);
        }
        env.set(spec.name, x.dtype === spec.dtype ? x : x.cast(spec.dtype));
      });
      for (const { node, op, attrs } of this.#steps) {
        const args = (node.input ?? []).map((name) => (name === '' ? undefined : env.get(name)));
        const results = op.run(args, attrs);
        (node.output ?? []).forEach((name, i) => {
          if (name !== '' && results[i] !== undefined) env.set(name, results[i]!);
        });
      }
      const outputs = this.#outputs.map((name) => {
        const t = env.get(name);
        if (t === undefined) throw new FormatError(`OnnxModel: output '${name}' was not computed`);
        return t;
      });
      if (outputs.length === 1) return outputs[0]!;
      return Object.fromEntries(this.#outputs.map((name, i) => [name, outputs[i]!]));
    });
  }
}
