/** Linear: y = x @ W^T + b, with PyTorch's weight layout [outFeatures, inFeatures]. */
import { checkOptions, fmtShape, matmul, type OptionKeys, ShapeError, type Tensor, ValueError } from '@nn/tensor';
import { fanInBound, type InitOptions, uniformParameter } from '../init';
import { Module } from '../module';
import { configBoolean, configNumber } from './config';

/** Options of `Linear`. */
export interface LinearOptions extends InitOptions {
  /** Learn an additive bias (default true). */
  bias?: boolean;
}

const LINEAR_OPTIONS: OptionKeys<LinearOptions> = { bias: true, generator: true };

/**
 * A fully connected layer: [..., inFeatures] -> [..., outFeatures].
 * @example new Linear(784, 10).forward(x) // x: [N, 784] -> [N, 10]
 */
export class Linear extends Module {
  weight: Tensor;
  bias: Tensor | null;

  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    options: LinearOptions = {},
  ) {
    super();
    checkOptions('Linear', options, LINEAR_OPTIONS);
    assertPositiveInt('Linear', 'inFeatures', inFeatures);
    assertPositiveInt('Linear', 'outFeatures', outFeatures);
    const bound = fanInBound(inFeatures);
    this.weight = uniformParameter([outFeatures, inFeatures], bound, options.generator);
    this.bias = options.bias === false ? null : uniformParameter([outFeatures], bound, options.generator);
  }

  forward(x: Tensor): Tensor {
    if (x.rank < 1 || x.shape[x.rank - 1] !== this.inFeatures) {
      throw new ShapeError(
        `Linear: expected input [..., ${this.inFeatures}], got ${fmtShape(x.shape)} (weight ${fmtShape(this.weight.shape)})`,
      );
    }
    // transposeB multiplies by W^T without materialising it.
    const y = matmul(x, this.weight, { transposeB: true });
    if (this.bias === null) return y;
    const out = y.add(this.bias);
    y.dispose();
    return out;
  }

  override getConfig(): Record<string, unknown> {
    return { inFeatures: this.inFeatures, outFeatures: this.outFeatures, bias: this.bias !== null };
  }

  static fromConfig(config: Record<string, unknown>): Linear {
    return new Linear(configNumber('Linear', config, 'inFeatures'), configNumber('Linear', config, 'outFeatures'), {
      bias: configBoolean('Linear', config, 'bias', true),
    });
  }
}

/** Throws a ValueError unless `value` is a positive integer. */
export function assertPositiveInt(layer: string, name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new ValueError(`${layer}: ${name} must be a positive integer, got ${String(value)}`);
  }
}
