/** The smooth activations of 0.2 (GELU, SiLU, ELU, Softplus): modules over the @nn/tensor ops, PyTorch's defaults. */
import {
  checkOptions,
  describeValue,
  elu,
  gelu,
  type OptionKeys,
  silu,
  softplus,
  type Tensor,
  ValueError,
} from '@nn/tensor';
import { Module } from '../module';
import { AlphaActivation, type NoOptions, PlainActivation } from './activations';
import { configNumber } from './config';

/** Options of `GELU`. */
export interface GELUOptions {
  /** 'none' (default): the exact x * Φ(x) with erf; 'tanh': the tanh approximation. */
  approximate?: 'none' | 'tanh';
}

/** Options of the `Softplus` layer. */
export interface SoftplusLayerOptions {
  /** log(1 + exp(beta * x)) / beta (default 1, non-zero). */
  beta?: number;
  /** Above beta * x > threshold the result is x itself (default 20). */
  threshold?: number;
}

const GELU_OPTIONS: OptionKeys<GELUOptions> = { approximate: true };
const SOFTPLUS_OPTIONS: OptionKeys<SoftplusLayerOptions> = { beta: true, threshold: true };

/**
 * x * Φ(x), the Gaussian error linear unit; `{ approximate: 'tanh' }` uses the tanh approximation.
 * @example new GELU({ approximate: 'tanh' })
 */
export class GELU extends Module {
  readonly approximate: 'none' | 'tanh';

  constructor(options: GELUOptions = {}) {
    super();
    checkOptions('GELU', options, GELU_OPTIONS);
    const { approximate = 'none' } = options;
    if (approximate !== 'none' && approximate !== 'tanh') {
      throw new ValueError(`GELU: approximate must be 'none' or 'tanh', got ${describeValue(approximate)}`);
    }
    this.approximate = approximate;
  }

  forward(x: Tensor): Tensor {
    return gelu(x, { approximate: this.approximate });
  }

  override getConfig(): Record<string, unknown> {
    return { approximate: this.approximate };
  }
}

/** x * sigmoid(x) (also called swish). */
export class SiLU extends PlainActivation {
  constructor(options?: NoOptions) {
    super('SiLU', silu, options);
  }
}

/**
 * x where x > 0, alpha * (exp(x) - 1) elsewhere.
 * @example new ELU(0.5)
 */
export class ELU extends AlphaActivation {
  constructor(alpha = 1) {
    super('ELU', elu, alpha);
  }

  static fromConfig(config: Record<string, unknown>): ELU {
    return new ELU(configNumber('ELU', config, 'alpha', 1));
  }
}

/**
 * log(1 + exp(beta * x)) / beta, and x itself where beta * x > threshold (PyTorch's Softplus).
 * @example new Softplus({ beta: 2 })
 */
export class Softplus extends Module {
  readonly beta: number;
  readonly threshold: number;

  constructor(options: SoftplusLayerOptions = {}) {
    super();
    checkOptions('Softplus', options, SOFTPLUS_OPTIONS);
    const { beta = 1, threshold = 20 } = options;
    if (typeof beta !== 'number' || !Number.isFinite(beta) || beta === 0) {
      throw new ValueError(`Softplus: beta must be a finite non-zero number, got ${describeValue(beta)}`);
    }
    if (typeof threshold !== 'number' || Number.isNaN(threshold)) {
      throw new ValueError(`Softplus: threshold must be a number, got ${describeValue(threshold)}`);
    }
    this.beta = beta;
    this.threshold = threshold;
  }

  forward(x: Tensor): Tensor {
    return softplus(x, { beta: this.beta, threshold: this.threshold });
  }

  override getConfig(): Record<string, unknown> {
    return { beta: this.beta, threshold: this.threshold };
  }
}
