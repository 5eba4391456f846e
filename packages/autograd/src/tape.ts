/**
 * The tape: a KernelRecorder that keeps, for every kernel run on tensors that depend on the watched ones,
 * what its gradient rule needs. Saved tensors are `engine.share` copies, so a `tidy` or `dispose` inside
 * the differentiated function cannot free data the backward pass still reads.
 */
import { describeValue, fmtShape, NNError, Tensor } from '@nn/tensor';
import { engine, type KernelName, type KernelRecord, type KernelRecorder, shapesEqual } from '@nn/tensor/backend';
import { gradRules } from './grads';
import type { RecordedRule } from './grads/types';

/**
 * Kernels marked not differentiable whose gradient is not zero, only unimplemented: if a gradient ever
 * reaches one (a second derivative through max-pooling), the backward pass fails loudly instead of
 * treating it as a constant.
 */
const UNSUPPORTED: Partial<Record<KernelName, string>> = {
  MaxPool2DBackward: 'second derivatives through maxPool2d are not supported',
  LayerNormBackward: 'second derivatives through layerNorm are not supported',
  AttentionBackward: 'second derivatives through scaledDotProductAttention are not supported',
};

/**
 * The rule of a kernel whose gradient is zero (comparisons, argmax's float inputs): recorded, so the backward pass
 * knows the result depends on its inputs (no `allowUnused` error), but it gives them nothing.
 */
const ZERO_RULE: RecordedRule = { vjp: () => ({}) };

function unsupportedRule(kernelName: KernelName, reason: string): RecordedRule {
  return {
    vjp: () => {
      throw new NNError(`grad: kernel ${kernelName} has no gradient: ${reason}`);
    },
  };
}

/** One recorded kernel, or one call of a `customGrad` function. */
export interface TapeNode {
  readonly kernelName: KernelName | 'customGrad';
  readonly rule: RecordedRule;
  /** The inputs as the rule reads them: saved copies, or the original tensors when only their shape is used. */
  readonly inputs: Record<string, Tensor | readonly Tensor[]>;
  /** The ids the gradients of the inputs are accumulated under (the original tensors' ids). */
  readonly inputIds: Record<string, number | readonly number[]>;
  readonly attrs: object;
  readonly output: Tensor;
  readonly outputId: number;
  /** Copies this node holds, released once its gradient is computed. */
  readonly saved: Tensor[];
}

/**
 * Saved copies remember the tensor they copy, so that an enclosing tape (nested `grad`) sees the backward
 * pass of an inner one as operating on the original tensors: that is what makes second derivatives work.
 */
const originOf = new WeakMap<Tensor, number>();

/** The id gradients of `t` are accumulated under. */
export function idOf(t: Tensor): number {
  return originOf.get(t) ?? t.id;
}

function save(t: Tensor, into: Tensor[]): Tensor {
  const copy = engine.share(t);
  originOf.set(copy, idOf(t));
  into.push(copy);
  return copy;
}

/** Records the kernels run while differentiating, so `backward` can walk them in reverse. */
export class Tape implements KernelRecorder {
  readonly nodes: TapeNode[] = [];
  /** Ids of the tensors being differentiated and of every recorded output (all depend on the former). */
  readonly watched = new Set<number>();
  private disposed = false;

  constructor(wrt: readonly Tensor[]) {
    for (const t of wrt) this.watched.add(idOf(t));
  }

  record({ kernelName, inputs, attrs, output, outputs }: KernelRecord): void {
    if (outputs.length !== 1) {
      // Multi-output kernels (optimizer updates) have no gradient; treating them as constants would be silent.
      if (this.dependsOnWatched(inputs)) {
        const reason = UNSUPPORTED[kernelName];
        if (reason !== undefined) throw new NNError(`grad: kernel ${kernelName} has no gradient: ${reason}`);
        throw new NNError(
          `grad: kernel ${kernelName} has ${outputs.length} outputs and no gradient; run it under noGrad (optimizers do)`,
        );
      }
      return;
    }
    if (output.dtype === 'int32') return;
    let rule: RecordedRule | string = gradRules[kernelName];
    if (typeof rule === 'string') {
      const reason = UNSUPPORTED[kernelName];
      rule = reason === undefined ? ZERO_RULE : unsupportedRule(kernelName, reason);
    }
    if (!this.dependsOnWatched(inputs)) return;
    const saved: Tensor[] = [];
    const keep = rule.save;
    const ruleInputs: Record<string, Tensor | readonly Tensor[]> = {};
    const inputIds: Record<string, number | readonly number[]> = {};
    for (const name in inputs) {
      const value = inputs[name];
      // An optional input left out (layerNorm without weight) has no gradient to receive.
      if (value === undefined) continue;
      const saveIt = keep?.includes(name) === true;
      if (isTensorList(value)) {
        inputIds[name] = value.map(idOf);
        ruleInputs[name] = saveIt ? value.map((t) => save(t, saved)) : value;
      } else {
        inputIds[name] = idOf(value);
        ruleInputs[name] = saveIt ? save(value, saved) : value;
      }
    }
    const outputId = output.id;
    this.nodes.push({
      kernelName,
      rule,
      inputs: ruleInputs,
      inputIds,
      attrs,
      output: rule.saveOutput ? save(output, saved) : output,
      outputId,
      saved,
    });
    this.watched.add(outputId);
  }

  /**
   * Records one call of a `customGrad` function: `output` depends on `inputs`, and `grad(dy, saved)` gives one
   * gradient per input (validated, and copied so the map owns each one); `saved` are this tape's copies of `toSave`.
   */
  recordCustom(
    inputs: readonly Tensor[],
    output: Tensor,
    grad: (dy: Tensor, saved: readonly Tensor[]) => readonly Tensor[],
    toSave: readonly Tensor[] = [],
  ): void {
    const named: Record<string, Tensor> = {};
    inputs.forEach((t, i) => {
      named[i] = t;
    });
    if (!this.dependsOnWatched(named)) return;
    // Released with the node's other saved copies: after the backward pass has passed it, or by dispose().
    const saved: Tensor[] = [];
    const copies = toSave.map((t) => save(t, saved));
    const rule: RecordedRule = {
      vjp: ({ dy }) => {
        let grads: readonly Tensor[] | undefined;
        const all = (): readonly Tensor[] => {
          grads ??= checkedGrads(inputs, grad(dy, copies));
          return grads;
        };
        return Object.fromEntries(inputs.map((_, i) => [i, () => all()[i]!.reshape(inputs[i]!.shape)]));
      },
    };
    const inputIds = Object.fromEntries(inputs.map((t, i) => [i, idOf(t)]));
    this.nodes.push({
      kernelName: 'customGrad',
      rule,
      inputs: named,
      inputIds,
      attrs: {},
      output,
      outputId: output.id,
      saved,
    });
    this.watched.add(output.id);
  }

  private dependsOnWatched(inputs: KernelRecord['inputs']): boolean {
    for (const name in inputs) {
      const value = inputs[name];
      if (value === undefined) continue;
      if (isTensorList(value)) {
        for (const t of value) if (this.watched.has(idOf(t))) return true;
      } else if (this.watched.has(idOf(value))) return true;
    }
    return false;
  }

  /** Releases every saved copy (safe to call twice). */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const node of this.nodes) for (const t of node.saved) t.dispose();
    this.nodes.length = 0;
  }
}

function checkedGrads(inputs: readonly Tensor[], grads: unknown): readonly Tensor[] {
  if (!Array.isArray(grads) || grads.length !== inputs.length) {
    throw new NNError(`customGrad: grad must return one gradient per input (${inputs.length}), got ${describe(grads)}`);
  }
  grads.forEach((g: unknown, i) => {
    const x = inputs[i]!;
    if (!(g instanceof Tensor) || !shapesEqual(g.shape, x.shape)) {
      throw new NNError(
        `customGrad: the gradient of input ${i} must have its shape ${fmtShape(x.shape)}, got ${describe(g)}`,
      );
    }
  });
  return grads as readonly Tensor[];
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (value instanceof Tensor) return fmtShape(value.shape);
  return describeValue(value);
}

function isTensorList(value: Tensor | readonly Tensor[]): value is readonly Tensor[] {
  return Array.isArray(value);
}
