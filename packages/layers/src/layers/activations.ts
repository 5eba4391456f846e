/** Activation layers: thin modules over the @nn/tensor ops, so they can sit in a Sequential. */
import {
  checkOptions,
  defaultGenerator,
  describeValue,
  type Generator,
  leakyRelu,
  type OptionKeys,
  rand,
  relu,
  sigmoid,
  softmax,
  type Tensor,
  tanh,
  tidy,
  ValueError,
  where,
} from '@nn/tensor';
import { Module } from '../module';
import { configNumber } from './config';

/** The options of a layer that has none: any key is an unknown option (`new ReLU({ inplace: true })`). */
export type NoOptions = Record<string, never>;
const NO_OPTIONS: OptionKeys<NoOptions> = {};

/** The base of an activation without arguments (ReLU, SiLU...): `op` on the input; any option is refused. */
export abstract class PlainActivation extends Module {
  readonly #op: (x: Tensor) => Tensor;

  protected constructor(name: string, op: (x: Tensor) => Tensor, options: NoOptions | undefined) {
    super();
    checkOptions(name, options, NO_OPTIONS);
    this.#op = op;
  }

  forward(x: Tensor): Tensor {
    return this.#op(x);
  }
}

/** The base of an activation with one finite `alpha` (LeakyReLU, ELU), which its config saves. */
export abstract class AlphaActivation extends Module {
  readonly #op: (x: Tensor, alpha: number) => Tensor;

  protected constructor(
    name: string,
    op: (x: Tensor, alpha: number) => Tensor,
    readonly alpha: number,
  ) {
    super();
    if (!Number.isFinite(alpha)) {
      throw new ValueError(`${name}: alpha must be a finite number, got ${describeValue(alpha)}`);
    }
    this.#op = op;
  }

  forward(x: Tensor): Tensor {
    return this.#op(x, this.alpha);
  }

  override getConfig(): Record<string, unknown> {
    return { alpha: this.alpha };
  }
}

/** max(x, 0) */
export class ReLU extends PlainActivation {
  constructor(options?: NoOptions) {
    super('ReLU', relu, options);
  }
}

/** x where x > 0, alpha * x elsewhere. */
export class LeakyReLU extends AlphaActivation {
  constructor(alpha = 0.01) {
    super('LeakyReLU', leakyRelu, alpha);
  }

  static fromConfig(config: Record<string, unknown>): LeakyReLU {
    return new LeakyReLU(configNumber('LeakyReLU', config, 'alpha', 0.01));
  }
}

/** Options of `RReLU`: the range of the random slopes and their generator. */
export interface RReLUOptions {
  lower?: number;
  upper?: number;
  /** Draw the random slopes from this generator instead of the default one. */
  generator?: Generator;
}

const RRELU_OPTIONS: OptionKeys<RReLUOptions> = { lower: true, upper: true, generator: true };

/**
 * Randomized leaky ReLU: while training, each negative element gets its own slope drawn from
 * U(lower, upper); in eval mode the slope is the mean (lower + upper) / 2, as PyTorch.
 */
export class RReLU extends Module {
  readonly lower: number;
  readonly upper: number;
  readonly #generator: Generator;

  constructor(options: RReLUOptions = {}) {
    super();
    checkOptions('RReLU', options, RRELU_OPTIONS);
    const { lower = 1 / 8, upper = 1 / 3 } = options;
    if (!Number.isFinite(lower) || !Number.isFinite(upper) || lower > upper) {
      throw new ValueError(`RReLU: need finite lower <= upper, got lower=${lower}, upper=${upper}`);
    }
    this.lower = lower;
    this.upper = upper;
    this.#generator = options.generator ?? defaultGenerator;
  }

  forward(x: Tensor): Tensor {
    if (!this.training) return leakyRelu(x, (this.lower + this.upper) / 2);
    if (this.lower === this.upper) return leakyRelu(x, this.lower);
    return tidy(() => {
      const dtype = x.dtype === 'float64' ? 'float64' : 'float32';
      const slopes = rand(x.shape, { low: this.lower, high: this.upper, generator: this.#generator, dtype });
      return x.mul(where(x.less(0), slopes, 1));
    });
  }

  override getConfig(): Record<string, unknown> {
    return { lower: this.lower, upper: this.upper };
  }

  static fromConfig(config: Record<string, unknown>): RReLU {
    return new RReLU({
      lower: configNumber('RReLU', config, 'lower', 1 / 8),
      upper: configNumber('RReLU', config, 'upper', 1 / 3),
    });
  }
}

/** 1 / (1 + exp(-x)) */
export class Sigmoid extends PlainActivation {
  constructor(options?: NoOptions) {
    super('Sigmoid', sigmoid, options);
  }
}

/** tanh(x), elementwise. */
export class Tanh extends PlainActivation {
  constructor(options?: NoOptions) {
    super('Tanh', tanh, options);
  }
}

/** Softmax along `axis` (the last one by default). */
export class Softmax extends Module {
  constructor(readonly axis = -1) {
    super();
    if (!Number.isInteger(axis)) throw new ValueError(`Softmax: axis must be an integer, got ${describeValue(axis)}`);
  }

  forward(x: Tensor): Tensor {
    return softmax(x, this.axis);
  }

  override getConfig(): Record<string, unknown> {
    return { axis: this.axis };
  }

  static fromConfig(config: Record<string, unknown>): Softmax {
    return new Softmax(configNumber('Softmax', config, 'axis', -1));
  }
}
