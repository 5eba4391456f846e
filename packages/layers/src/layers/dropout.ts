/** Dropout: inverted dropout while training (kept values scaled by 1 / (1 - p)), the identity in eval mode. */
import {
  checkOptions,
  clone,
  defaultGenerator,
  describeValue,
  type Generator,
  type OptionKeys,
  rand,
  type Tensor,
  tidy,
  ValueError,
} from '@nn/tensor';
import { Module } from '../module';
import { configNumber } from './config';

/** Options of `Dropout`. */
export interface DropoutOptions {
  /** Draw the masks from this generator instead of the default one (`manualSeed` makes runs repeatable). */
  generator?: Generator;
}

const DROPOUT_OPTIONS: OptionKeys<DropoutOptions> = { generator: true };

/**
 * Zeroes each element with probability `p` while training and scales the rest by 1 / (1 - p); the identity in eval mode.
 */
export class Dropout extends Module {
  readonly #generator: Generator;

  constructor(
    readonly p = 0.5,
    options: DropoutOptions = {},
  ) {
    super();
    checkOptions('Dropout', options, DROPOUT_OPTIONS);
    if (typeof p !== 'number' || !(p >= 0 && p <= 1)) {
      throw new ValueError(`Dropout: p must be a number in [0, 1], got ${describeValue(p)}`);
    }
    this.#generator = options.generator ?? defaultGenerator;
  }

  forward(x: Tensor): Tensor {
    if (!this.training || this.p === 0) return clone(x);
    if (this.p === 1) return x.mul(0);
    return tidy(() => {
      const dtype = x.dtype === 'float64' ? 'float64' : 'float32';
      // A fresh mask per call; scaling at train time keeps the expected activation equal to eval mode's.
      const keepMask = rand(x.shape, { generator: this.#generator, dtype }).greater(this.p);
      const scaled = keepMask.dtype === dtype ? keepMask : keepMask.cast(dtype);
      return x.mul(scaled.mul(1 / (1 - this.p)));
    });
  }

  override getConfig(): Record<string, unknown> {
    return { p: this.p };
  }

  static fromConfig(config: Record<string, unknown>): Dropout {
    return new Dropout(configNumber('Dropout', config, 'p', 0.5));
  }
}
