/** Identity: returns its input, a placeholder where an architecture optionally has a layer (PyTorch's nn.Identity). */
import { checkOptions, type OptionKeys, type Tensor } from '@nn/tensor';
import { Module } from '../module';
import type { NoOptions } from './activations';

const NO_OPTIONS: OptionKeys<NoOptions> = {};

/**
 * x -> x (the same tensor, not a copy).
 * @example new Sequential(new Linear(4, 4), useNorm ? new BatchNorm1d(4) : new Identity())
 */
export class Identity extends Module {
  constructor(options?: NoOptions) {
    super();
    checkOptions('Identity', options, NO_OPTIONS);
  }

  forward(x: Tensor): Tensor {
    return x;
  }
}
