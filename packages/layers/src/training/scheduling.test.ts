/** `fit({ scheduler })`: per-epoch and per-batch stepping, ReduceLROnPlateau on a logged value, no device reads. */
import { TensorDataset } from '@nn/data';
import { Adam, OneCycleLR, ReduceLROnPlateau, SGD, StepLR } from '@nn/optim';
import { manualSeed, oneHot, type Tensor, tensor, ValueError } from '@nn/tensor';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { blobs, mlp } from '../../test/helpers';
import type { TrainingContext } from './callbacks';
import { fit } from './fit';

afterEach(() => {
  vi.restoreAllMocks();
});

const epochs = 3;
const samples = 64;
const batchSize = 8; // 8 batches per epoch

/** One-hot targets: crossEntropy has no class indices to check on the host, so fit itself reads nothing per batch. */
function data() {
  const { x, y } = blobs(samples, 1, 0.7);
  return new TensorDataset(x, oneHot(y, 2));
}

/** The learning rate at the end of every epoch, as a callback sees it. */
function lrRecorder() {
  const lrs: number[] = [];
  return {
    lrs,
    callback: { onEpochEnd: (_: number, __: unknown, c: TrainingContext) => void lrs.push(c.optimizer.lr) },
  };
}

describe('fit steps a schedule', () => {
  it("interval 'batch': OneCycleLR steps after every optimizer step, with no device read", async () => {
    manualSeed(3);
    const model = mlp();
    const optimizer = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9, clipGradNorm: 1 });
    const totalSteps = epochs * (samples / batchSize);
    const scheduler = new OneCycleLR(optimizer, { maxLr: 0.5, totalSteps });
    const train = data(); // made before the spies: blobs() and oneHot read their host-made inputs
    const proto = Object.getPrototypeOf(tensor([0])) as Tensor;
    const syncReads = [vi.spyOn(proto, 'dataSync'), vi.spyOn(proto, 'item'), vi.spyOn(proto, 'toArray')];
    const asyncReads = vi.spyOn(proto, 'data');
    const { lrs, callback } = lrRecorder();
    await fit(model, train, {
      epochs,
      batchSize,
      optimizer,
      loss: 'crossEntropy',
      verbose: false,
      scheduler: { scheduler, interval: 'batch' },
      callbacks: [callback],
    });
    expect(syncReads.map((spy) => spy.mock.calls.length)).toEqual([0, 0, 0]);
    expect(asyncReads.mock.calls.length).toBe(epochs); // the epoch's loss, as without a schedule
    expect(scheduler.lastEpoch).toBe(totalSteps);
    // The same cycle stepped by hand.
    const reference = new OneCycleLR(new SGD([tensor([0])], { lr: 0.1, momentum: 0.9 }), { maxLr: 0.5, totalSteps });
    const expected: number[] = [];
    for (let step = 1; step <= totalSteps; step++) {
      reference.step();
      if (step % (samples / batchSize) === 0) expected.push(reference.getLastLr());
    }
    expect(lrs).toEqual(expected);
  });

  it('a schedule alone, or with interval epoch, steps once per epoch', async () => {
    for (const option of [
      (opt: SGD) => new StepLR(opt, { stepSize: 1, gamma: 0.5 }),
      (opt: SGD) => ({ scheduler: new StepLR(opt, { stepSize: 1, gamma: 0.5 }), interval: 'epoch' as const }),
    ]) {
      const model = mlp();
      const optimizer = new SGD(model.parameters(), { lr: 0.8 });
      const { lrs, callback } = lrRecorder();
      await fit(model, data(), {
        epochs,
        batchSize,
        optimizer,
        loss: 'crossEntropy',
        verbose: false,
        scheduler: option(optimizer),
        callbacks: [callback],
      });
      expect(lrs).toEqual([0.4, 0.2, 0.1]);
    }
  });

  it('ReduceLROnPlateau gets the epoch valLoss by default, and callbacks see it as context.scheduler', async () => {
    manualSeed(4);
    const model = mlp();
    const optimizer = new Adam(model.parameters(), { lr: 0.05 });
    // A threshold this large makes every epoch a bad one: the rate halves each epoch after the first.
    const options = { patience: 0, factor: 0.5, threshold: 0.9 };
    const scheduler = new ReduceLROnPlateau(optimizer, options);
    const { lrs, callback } = lrRecorder();
    const seen: unknown[] = [];
    const history = await fit(model, data(), {
      epochs: 4,
      batchSize,
      optimizer,
      loss: 'crossEntropy',
      verbose: false,
      validationData: blobs(16, 2, 0.7),
      scheduler,
      callbacks: [callback, { onTrainBegin: (c) => void seen.push(c.scheduler) }],
    });
    expect(seen).toEqual([scheduler]);
    const replay = new ReduceLROnPlateau(new SGD([tensor([0])], { lr: 0.05 }), options);
    const expected = history.valLoss!.map((value) => {
      replay.step(value);
      return replay.getLastLr();
    });
    expect(lrs).toEqual(expected);
    expect(lrs).toEqual([0.05, 0.025, 0.0125, 0.00625]);
  });

  it("monitors 'loss' without validation data, or the value named by monitor", async () => {
    for (const [monitor, expected] of [
      [undefined, [0.1, 0.01, 0.001]],
      ['accuracy', [0.1, 0.1, 0.1]], // mode 'min' on an accuracy that does not fall: not better, but patience 5
    ] as const) {
      const model = mlp();
      const optimizer = new SGD(model.parameters(), { lr: 0.1 });
      const scheduler = new ReduceLROnPlateau(optimizer, { patience: monitor ? 5 : 0, threshold: 0.9 });
      const { lrs, callback } = lrRecorder();
      await fit(model, data(), {
        epochs,
        batchSize,
        optimizer,
        loss: 'crossEntropy',
        metrics: ['accuracy'],
        verbose: false,
        scheduler: { scheduler, monitor },
        callbacks: [callback],
      });
      expect(lrs.map((v) => Number(v.toPrecision(12)))).toEqual(expected);
    }
  });

  it('a bad scheduler option is a ValueError before any training', async () => {
    const model = mlp();
    const optimizer = new SGD(model.parameters(), { lr: 0.1 });
    const plateau = new ReduceLROnPlateau(optimizer);
    const step = new StepLR(optimizer, { stepSize: 1 });
    const run = (scheduler: unknown) =>
      fit(model, data(), { epochs: 1, optimizer, loss: 'crossEntropy', verbose: false, scheduler: scheduler as never });
    const cases: [unknown, RegExp][] = [
      [
        { scheduler: plateau, monitor: 'valLoss' },
        /ReduceLROnPlateau monitors 'valLoss', but fit has no validation data/,
      ],
      [{ scheduler: plateau, interval: 'batch' }, /ReduceLROnPlateau steps once per epoch on a logged value/],
      [{ scheduler: step, monitor: 'loss' }, /scheduler monitor is for ReduceLROnPlateau; StepLR takes no value/],
      [{ scheduler: step, interval: 'step' }, /scheduler interval must be 'epoch' or 'batch', got step/],
      [{ scheduler: step, intervall: 'batch' }, /fit scheduler: unknown option 'intervall'; did you mean 'interval'\?/],
      [{ step: () => undefined }, /scheduler must be a schedule/],
    ];
    for (const [option, message] of cases) {
      await expect(run(option)).rejects.toThrow(ValueError);
      await expect(run(option)).rejects.toThrow(message);
    }
    expect(step.lastEpoch).toBe(0);
    await expect(run({ scheduler: plateau, monitor: 'acc' })).rejects.toThrow(
      /ReduceLROnPlateau monitors 'acc', which is not logged \(logged: loss\)/,
    );
  });
});
