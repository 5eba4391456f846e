/**
 * The optimizer base: owns the parameter list, per-parameter step counts and state buffers, computes
 * gradients with `gradsOf`, and applies each subclass's update rule in place with `param.assign`.
 */
import { gradsOf, noGrad } from '@nn/autograd';
import {
  checkOptions,
  FormatError,
  fmtShape,
  keep,
  type OptionKeys,
  StateError,
  type Tensor,
  tensor,
  tidy,
  ValueError,
} from '@nn/tensor';
import { clipGradNorm } from './clip';
import { checkNumber, checkParams } from './validate';

/** A state buffer as plain JSON-safe data (row-major values; `JSON.stringify` turns NaN into null, accepted on load). */
export interface BufferState {
  shape: number[];
  values: number[];
}

/** The state of one parameter: how many updates it had and its buffers (PyTorch names: `exp_avg`, ...). */
export interface ParamState {
  step: number;
  buffers: Record<string, BufferState>;
}

/** Hyperparameter values: numbers, flags, or number pairs (`betas`). */
export type HyperparamValue = number | boolean | number[];

/**
 * Everything needed to continue an optimizer exactly: JSON-safe (`JSON.stringify` it into a checkpoint).
 * `state[i]` belongs to `params[i]`.
 */
export interface OptimizerStateDict {
  type: string;
  hyperparams: Record<string, HyperparamValue>;
  state: ParamState[];
}

/** The options every optimizer takes. */
export interface OptimizerOptions {
  lr?: number;
  /** Clip the global L2 norm of the gradients to this before each update (see `clipGradNorm`). */
  clipGradNorm?: number;
}

/** Other libraries' names for our options, for the did-you-mean of an unknown option (Keras, PyTorch positional). */
const OPTION_ALIASES: Readonly<Record<string, string>> = {
  learningRate: 'lr',
  learning_rate: 'lr',
  beta1: 'betas',
  beta2: 'betas',
  rho: 'alpha',
};

/** The running state of one parameter during an update. */
export interface UpdateContext {
  /** 1 on the first update of this parameter. */
  step: number;
  /** The buffer `name`, or undefined before it exists. */
  get(name: string): Tensor | undefined;
  /** Stores a new value for buffer `name` (in place when it exists). */
  set(name: string, value: Tensor): void;
}

/**
 * The base of every optimizer: parameters, per-parameter state, `step`, `applyGradients`, clipping and state dicts.
 * @example const opt: Optimizer = new Adam(model.parameters()); opt.step(() => loss());
 */
export abstract class Optimizer {
  /** The parameters, updated in place by `step` / `applyGradients`. */
  readonly params: readonly Tensor[];
  /** The class name (overridden by every subclass), stored in the state dict so a state never loads into another optimizer. */
  get type(): string {
    return 'Optimizer';
  }
  protected lrValue: number;
  private clipValue: number | undefined;
  private readonly steps: number[];
  private readonly buffers: Map<string, Tensor>[];
  private disposed = false;

  /**
   * Checks `options` against `known` (every option of the subclass, `clipGradNorm` included) before any value, so a
   * misspelt option is reported as such. `lr` falls back to `defaultLr`; without one it is required.
   */
  protected constructor(
    params: readonly Tensor[],
    options: OptimizerOptions | undefined,
    known: OptionKeys<OptimizerOptions> & Readonly<Record<string, true>>,
    defaultLr?: number,
  ) {
    const owner = this.type;
    checkOptions(owner, options, known, OPTION_ALIASES);
    this.params = Object.freeze(checkParams(owner, params));
    const lr = options?.lr ?? defaultLr;
    if (lr === undefined)
      throw new ValueError(`${owner}: option lr is required, e.g. new ${owner}(params, { lr: 0.01 })`);
    this.lrValue = checkNumber(owner, 'lr', lr, { min: 0 });
    this.clipValue = checkClip(owner, options?.clipGradNorm);
    this.steps = this.params.map(() => 0);
    this.buffers = this.params.map(() => new Map());
  }

  /** The learning rate (schedules change it between steps). */
  get lr(): number {
    return this.lrValue;
  }

  set lr(value: number) {
    this.lrValue = checkNumber(this.type, 'lr', value, { min: 0 });
  }

  /**
   * The global gradient norm every update is clipped to (as `torch.nn.utils.clip_grad_norm_` before
   * `optimizer.step()`), or undefined for no clipping.
   */
  get clipGradNorm(): number | undefined {
    return this.clipValue;
  }

  set clipGradNorm(value: number | undefined) {
    this.clipValue = checkClip(this.type, value);
  }

  /** True after `dispose()`. */
  get isDisposed(): boolean {
    return this.disposed;
  }

  /**
   * Frees the optimizer's state tensors (Adam moments, momentum buffers, ...); the parameters belong to the
   * model and are left alone. Safe to call twice; afterwards `step`, `applyGradients`, `stateDict` and
   * `loadStateDict` throw a StateError.
   * @example const opt = new Adam(model.parameters()); ...; opt.dispose();
   */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const buffers of this.buffers) {
      for (const t of buffers.values()) t.dispose();
      buffers.clear();
    }
  }

  private throwIfDisposed(method: string): void {
    if (this.disposed) {
      throw new StateError(
        `${this.type}.${method}: the optimizer was disposed (its state tensors are freed); create a new optimizer`,
      );
    }
  }

  /**
   * Computes the loss and its gradients with respect to `params`, updates the parameters, and returns
   * the loss (the caller disposes it, or runs `step` inside `tidy`).
   * @example const loss = opt.step(() => crossEntropy(model.forward(x), y)); console.log(loss.item());
   */
  step(closure: () => Tensor): Tensor {
    this.throwIfDisposed('step');
    if (typeof closure !== 'function') {
      throw new ValueError(`${this.type}.step: expected a closure returning the loss, got ${typeof closure}`);
    }
    // The tidy frees the forward intermediates and the gradients; only the loss leaves.
    return tidy(() => {
      const { value, grads } = gradsOf(closure, this.params);
      this.applyGradients(grads);
      return value;
    });
  }

  /** Updates the parameters from gradients computed elsewhere (`grads[i]` belongs to `params[i]`). */
  applyGradients(grads: readonly Tensor[]): void {
    this.throwIfDisposed('applyGradients');
    if (!Array.isArray(grads) || grads.length !== this.params.length) {
      const got = Array.isArray(grads) ? `${grads.length} gradients` : String(grads);
      throw new ValueError(`${this.type}.applyGradients: expected ${this.params.length} gradients, got ${got}`);
    }
    const list: readonly Tensor[] = grads;
    this.params.forEach((p, i) => {
      const g = list[i];
      if (
        g === undefined ||
        g.dtype !== p.dtype ||
        g.shape.length !== p.shape.length ||
        g.shape.some((d, k) => d !== p.shape[k])
      ) {
        const got = g === undefined ? 'nothing' : `${g.dtype} ${fmtShape(g.shape)}`;
        throw new ValueError(
          `${this.type}.applyGradients: gradient ${i} must be ${p.dtype} ${fmtShape(p.shape)}, got ${got}`,
        );
      }
    });
    // One tidy for the whole update: every intermediate is freed, buffers and params are updated by assign.
    noGrad(() =>
      tidy(() => {
        const used = this.clipValue === undefined ? grads : clipGradNorm(grads, this.clipValue).grads;
        this.params.forEach((param, i) => {
          const step = ++this.steps[i]!;
          const buffers = this.buffers[i]!;
          const context: UpdateContext = {
            step,
            get: (name) => buffers.get(name),
            set: (name, value) => {
              const existing = buffers.get(name);
              if (existing) existing.assign(value);
              else buffers.set(name, keep(value.clone()));
            },
          };
          param.assign(this.update(param, used[i]!, context));
        });
      }),
    );
  }

  /** The new value of `param` (the base class assigns it). Runs inside tidy and noGrad. */
  protected abstract update(param: Tensor, grad: Tensor, context: UpdateContext): Tensor;

  /** The hyperparameters, as stored in the state dict. */
  protected abstract getHyperparams(): Record<string, HyperparamValue>;

  /** Validates and applies loaded hyperparameters (throws FormatError/ValueError before changing anything). */
  protected abstract setHyperparams(values: Record<string, unknown>): void;

  /** Names of the buffers a parameter has after its first update, given the current hyperparameters. */
  protected abstract bufferNames(): string[];

  /** A JSON-safe copy of the optimizer's state, for exact resume. */
  stateDict(): OptimizerStateDict {
    this.throwIfDisposed('stateDict');
    const state = this.params.map((_, i): ParamState => {
      const buffers: Record<string, BufferState> = {};
      for (const [name, t] of this.buffers[i]!)
        buffers[name] = { shape: [...t.shape], values: Array.from(t.dataSync()) };
      return { step: this.steps[i]!, buffers };
    });
    const hyperparams = structuredClone(this.getHyperparams());
    if (this.clipValue !== undefined) hyperparams.clipGradNorm = this.clipValue;
    return { type: this.type, hyperparams, state };
  }

  /** Restores a state from `stateDict()`. Everything is validated first: on a FormatError nothing changed. */
  loadStateDict(stateDict: OptimizerStateDict): void {
    this.throwIfDisposed('loadStateDict');
    const where = `${this.type}.loadStateDict`;
    if (stateDict === null || typeof stateDict !== 'object') throw new FormatError(`${where}: expected an object`);
    if (stateDict.type !== this.type) {
      throw new FormatError(`${where}: the state belongs to a ${String(stateDict.type)} optimizer, not ${this.type}`);
    }
    const { hyperparams, state } = stateDict;
    if (hyperparams === null || typeof hyperparams !== 'object') throw new FormatError(`${where}: hyperparams missing`);
    if (!Array.isArray(state) || state.length !== this.params.length) {
      const got = Array.isArray(state) ? state.length : 'no';
      throw new FormatError(`${where}: expected state for ${this.params.length} parameters, got ${got}`);
    }
    // Hyperparameters decide which buffers are expected: check them on a throwaway basis first.
    // A state without clipGradNorm comes from an optimizer that did not clip (or from 0.1): loading it turns clipping off.
    let clip: number | undefined;
    try {
      clip = checkClip(this.type, (hyperparams as Record<string, unknown>).clipGradNorm);
    } catch (error) {
      throw new FormatError(`${where}: ${(error as Error).message}`);
    }
    const previous = this.getHyperparams();
    try {
      this.setHyperparams(hyperparams);
    } catch (error) {
      this.setHyperparams(previous);
      throw new FormatError(`${where}: ${(error as Error).message}`);
    }
    let restored: Map<string, number[]>[];
    try {
      restored = state.map((s, i) => this.readParamState(where, s, i));
    } catch (error) {
      this.setHyperparams(previous);
      throw error;
    }
    this.clipValue = clip;
    // Tensors are made only once every buffer validated, so a bad state allocates nothing.
    state.forEach((s, i) => {
      const param = this.params[i]!;
      this.steps[i] = s.step;
      for (const t of this.buffers[i]!.values()) t.dispose();
      const buffers = new Map<string, Tensor>();
      for (const [name, values] of restored[i]!) buffers.set(name, keep(tensor(values, param.shape, param.dtype)));
      this.buffers[i] = buffers;
    });
  }

  private readParamState(where: string, s: ParamState, i: number): Map<string, number[]> {
    const param = this.params[i]!;
    if (s === null || typeof s !== 'object') throw new FormatError(`${where}: state[${i}] is not an object`);
    if (!Number.isInteger(s.step) || s.step < 0) {
      throw new FormatError(`${where}: state[${i}].step must be a non-negative integer, got ${String(s.step)}`);
    }
    const buffers = s.buffers ?? {};
    if (typeof buffers !== 'object') throw new FormatError(`${where}: state[${i}].buffers is not an object`);
    const names = Object.keys(buffers).sort();
    const expected = s.step === 0 ? [] : this.bufferNames().sort();
    if (names.join() !== expected.join()) {
      throw new FormatError(
        `${where}: state[${i}] (step ${s.step}) has buffers [${names.join(', ')}], expected [${expected.join(', ')}]`,
      );
    }
    const out = new Map<string, number[]>();
    for (const name of names) {
      const b = buffers[name]!;
      const key = `state[${i}].buffers.${name}`;
      const shapeOk =
        Array.isArray(b?.shape) &&
        b.shape.length === param.shape.length &&
        b.shape.every((d, k) => d === param.shape[k]);
      if (!shapeOk) {
        throw new FormatError(
          `${where}: ${key} has shape ${JSON.stringify(b?.shape)}, parameter ${i} is ${fmtShape(param.shape)}`,
        );
      }
      if (!Array.isArray(b.values) || b.values.length !== param.size) {
        throw new FormatError(
          `${where}: ${key} needs ${param.size} values, got ${Array.isArray(b.values) ? b.values.length : 'none'}`,
        );
      }
      const values = b.values.map((v, k) => {
        if (v === null) return Number.NaN;
        if (typeof v !== 'number') throw new FormatError(`${where}: ${key}.values[${k}] is not a number`);
        return v;
      });
      out.set(name, values);
    }
    return out;
  }
}

/** `clipGradNorm`: undefined (no clipping) or a finite max norm > 0. */
function checkClip(owner: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  return checkNumber(owner, 'clipGradNorm', value, { min: 0, minExclusive: true });
}
