/**
 * BatchNorm1d/2d: normalise each channel by the batch statistics while training (updating running
 * estimates), by the running estimates in eval mode. Same names, shapes and update rule as PyTorch.
 */
import { noGrad } from '@nn/autograd';
import {
  checkOptions,
  fmtShape,
  type OptionKeys,
  ones,
  ShapeError,
  type Tensor,
  tidy,
  ValueError,
  zeros,
} from '@nn/tensor';
import { Module } from '../module';
import { batchNormTraining } from './batchnorm-train';
import { configBoolean, configNumber } from './config';
import { assertPositiveInt } from './linear';
import { affineParameters, normOptions } from './norm-options';

/** Options of `BatchNorm1d` and `BatchNorm2d` (PyTorch's defaults). */
export interface BatchNormOptions {
  eps?: number;
  /** Weight of the new batch in the running estimates; `null` = cumulative average (as PyTorch's None). */
  momentum?: number | null;
  /** Learn a per-channel scale (`weight`) and shift (`bias`). */
  affine?: boolean;
  /** Keep running estimates for eval mode (default true); otherwise batch statistics are always used. */
  trackRunningStats?: boolean;
}

const BATCHNORM_OPTIONS: OptionKeys<BatchNormOptions> = {
  eps: true,
  momentum: true,
  affine: true,
  trackRunningStats: true,
};

abstract class BatchNorm extends Module {
  weight: Tensor | null = null;
  bias: Tensor | null = null;
  running_mean: Tensor | null = null;
  running_var: Tensor | null = null;
  num_batches_tracked: Tensor | null = null;
  readonly eps: number;
  readonly momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;

  constructor(
    readonly numFeatures: number,
    options: BatchNormOptions = {},
  ) {
    super();
    const name = this.constructor.name;
    checkOptions(name, options, BATCHNORM_OPTIONS);
    assertPositiveInt(name, 'numFeatures', numFeatures);
    const { eps, affine } = normOptions(name, options);
    const { momentum = 0.1, trackRunningStats = true } = options;
    if (momentum !== null && !(momentum >= 0 && momentum <= 1)) {
      throw new ValueError(`${name}: momentum must be in [0, 1] or null, got ${momentum}`);
    }
    this.eps = eps;
    this.momentum = momentum;
    this.affine = affine;
    this.trackRunningStats = trackRunningStats;
    const { weight, bias } = affineParameters(numFeatures, affine);
    this.registerParameter('weight', weight);
    this.registerParameter('bias', bias);
    this.registerBuffer('running_mean', trackRunningStats ? zeros([numFeatures]) : null);
    this.registerBuffer('running_var', trackRunningStats ? ones([numFeatures]) : null);
    this.registerBuffer('num_batches_tracked', trackRunningStats ? zeros([], 'int32') : null);
  }

  /** Checks the input rank; returns the axes the statistics are taken over. */
  protected abstract reductionAxes(x: Tensor): number[];

  forward(x: Tensor): Tensor {
    const axes = this.reductionAxes(x);
    if (x.shape[1] !== this.numFeatures) {
      throw new ShapeError(
        `${this.constructor.name}: expected ${this.numFeatures} channels on axis 1, got ${fmtShape(x.shape)}`,
      );
    }
    // [C] parameters broadcast against [N, C, ...] once reshaped to [1, C, 1, ...].
    const channelShape = x.shape.map((d, i) => (i === 1 ? d : 1));
    const useBatchStats = this.training || this.running_mean === null;
    return tidy(() => {
      if (useBatchStats) {
        const count = axes.reduce((n, a) => n * x.shape[a]!, 1);
        if (this.training && count < 2) {
          throw new ValueError(
            `${this.constructor.name}: need more than 1 value per channel when training, got ${fmtShape(x.shape)}`,
          );
        }
        const { y, mean, variance } = batchNormTraining(x, this.weight, this.bias, axes, this.eps);
        if (this.training) this.updateRunningStats(mean, variance, count);
        return y;
      }
      const mean = this.running_mean!.reshape(channelShape);
      const variance = this.running_var!.reshape(channelShape);
      let y = x.sub(mean).div(variance.add(this.eps).sqrt());
      if (this.weight !== null && this.bias !== null) {
        y = y.mul(this.weight.reshape(channelShape)).add(this.bias.reshape(channelShape));
      }
      return y;
    });
  }

  private updateRunningStats(mean: Tensor, biasedVar: Tensor, count: number): void {
    if (this.running_mean === null || this.running_var === null || this.num_batches_tracked === null) return;
    const runningMean = this.running_mean;
    const runningVar = this.running_var;
    const tracked = this.num_batches_tracked;
    // Statistics are state, not part of the differentiated computation: keep them off the autograd tape.
    noGrad(() => {
      tracked.assign(tracked.add(1));
      const momentum = this.momentum ?? 1 / tracked.item();
      // The running variance uses the unbiased estimate n / (n - 1), as PyTorch does.
      const unbiased = biasedVar.mul(count / (count - 1)).reshape([this.numFeatures]);
      const batchMean = mean.reshape([this.numFeatures]);
      runningMean.assign(runningMean.mul(1 - momentum).add(batchMean.mul(momentum)));
      runningVar.assign(runningVar.mul(1 - momentum).add(unbiased.mul(momentum)));
    });
  }

  override getConfig(): Record<string, unknown> {
    return {
      numFeatures: this.numFeatures,
      eps: this.eps,
      momentum: this.momentum,
      affine: this.affine,
      trackRunningStats: this.trackRunningStats,
    };
  }
}

function optionsFromConfig(name: string, config: Record<string, unknown>): BatchNormOptions {
  return {
    eps: configNumber(name, config, 'eps', 1e-5),
    momentum: config.momentum === null ? null : configNumber(name, config, 'momentum', 0.1),
    affine: configBoolean(name, config, 'affine', true),
    trackRunningStats: configBoolean(name, config, 'trackRunningStats', true),
  };
}

/** Batch normalisation of [N, C] or [N, C, L] inputs, per channel C. */
export class BatchNorm1d extends BatchNorm {
  protected reductionAxes(x: Tensor): number[] {
    if (x.rank === 2) return [0];
    if (x.rank === 3) return [0, 2];
    throw new ShapeError(`BatchNorm1d: expected [N, C] or [N, C, L] input, got ${fmtShape(x.shape)}`);
  }

  static fromConfig(config: Record<string, unknown>): BatchNorm1d {
    return new BatchNorm1d(
      configNumber('BatchNorm1d', config, 'numFeatures'),
      optionsFromConfig('BatchNorm1d', config),
    );
  }
}

/** Batch normalisation of [N, C, H, W] images, per channel C. */
export class BatchNorm2d extends BatchNorm {
  protected reductionAxes(x: Tensor): number[] {
    if (x.rank === 4) return [0, 2, 3];
    throw new ShapeError(`BatchNorm2d: expected [N, C, H, W] input, got ${fmtShape(x.shape)}`);
  }

  static fromConfig(config: Record<string, unknown>): BatchNorm2d {
    return new BatchNorm2d(
      configNumber('BatchNorm2d', config, 'numFeatures'),
      optionsFromConfig('BatchNorm2d', config),
    );
  }
}
