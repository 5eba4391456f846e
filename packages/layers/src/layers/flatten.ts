/** Flatten: merges the axes from `startAxis` on, [N, C, H, W] -> [N, C*H*W] by default. */
import { describeValue, flatten, type Tensor, ValueError } from '@nn/tensor';
import { Module } from '../module';
import { configNumber } from './config';

/** Merges the axes from `startAxis` on: [N, C, H, W] -> [N, C * H * W] by default. */
export class Flatten extends Module {
  constructor(readonly startAxis = 1) {
    super();
    if (!Number.isInteger(startAxis)) {
      throw new ValueError(`Flatten: startAxis must be an integer, got ${describeValue(startAxis)}`);
    }
  }

  forward(x: Tensor): Tensor {
    return flatten(x, this.startAxis);
  }

  override getConfig(): Record<string, unknown> {
    return { startAxis: this.startAxis };
  }

  static fromConfig(config: Record<string, unknown>): Flatten {
    return new Flatten(configNumber('Flatten', config, 'startAxis', 1));
  }
}
