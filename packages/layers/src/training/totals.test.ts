import { getBackend, memory, scalar, type Tensor, tensor, tidy } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { RunningTotals } from './totals';

/** Adds `count` batches of `samples` samples whose loss sum is `lossSum(b)` and whose count is `correct(b)`. */
function feed(totals: RunningTotals, count: number, samples: number, lossSum: (b: number) => number): void {
  for (let b = 0; b < count; b++) {
    const sums: Tensor[] = [tensor(lossSum(b)), tensor(b % (samples + 1))];
    totals.add(sums, samples);
    for (const t of sums) t.dispose();
  }
}

describe('RunningTotals', () => {
  it('is empty before the first batch', async () => {
    const totals = new RunningTotals(['loss']);
    expect(await totals.means()).toEqual({});
    expect(totals.meansSync()).toEqual({});
    totals.dispose();
  });

  it('stays accurate over a long epoch: float32 batch values summed in float64, whatever the chunk size', async () => {
    // 1875 batches of 32 (an MNIST epoch) with losses around 0.3: float32 values as the device has them.
    const loss = (b: number) => Math.fround(Math.fround(0.3 + 0.2 * Math.sin(b)) * 32);
    const batches = 1875;
    let exactLoss = 0;
    let exactCorrect = 0;
    for (let b = 0; b < batches; b++) {
      exactLoss += loss(b);
      exactCorrect += b % 33;
    }
    for (const chunkBatches of [128, 7, Number.POSITIVE_INFINITY]) {
      const totals = new RunningTotals(['loss', 'accuracy'], { chunkBatches });
      feed(totals, batches, 32, loss);
      const means = await totals.means();
      totals.dispose();
      // A float32 running sum over the epoch is off by ~1e-6 relative; float64 sums of the batch values are exact.
      expect(Math.abs(means.loss! - exactLoss / (batches * 32)) / (exactLoss / (batches * 32))).toBeLessThan(1e-12);
      expect(means.accuracy).toBe(exactCorrect / (batches * 32)); // integer counts are exact
    }
  });

  it('holds what it adds inside a tidy scope (evaluate adds there) past that scope, across chunks', async () => {
    const before = memory().numTensors;
    const totals = new RunningTotals(['loss', 'accuracy'], { chunkBatches: 2 });
    for (let b = 0; b < 5; b++) tidy(() => totals.add([tensor(b), tensor([1])], 1));
    expect((await totals.read()).sums).toEqual({ loss: 10, accuracy: 5 });
    for (let b = 0; b < 3; b++) tidy(() => totals.add([tensor(1), tensor([1])], 1));
    expect(totals.readSync().sums).toEqual({ loss: 13, accuracy: 8 });
    totals.dispose();
    expect(memory().numTensors).toBe(before);
  });

  it('weights mean columns by the batch samples, and runs no kernel per batch', async () => {
    const totals = new RunningTotals(['loss', 'accuracy'], { meanColumns: ['loss'] });
    const values = [
      [0.5, 3],
      [0.25, 1],
    ];
    const samples = [4, 2];
    const before = getBackend().kernelCoverage();
    const calls = () => {
      const now = getBackend().kernelCoverage();
      const count = (c: typeof now) =>
        Object.values(c.nativeCalls).reduce((s, n) => s + n, 0) +
        Object.values(c.fallbackCalls).reduce((s, n) => s + n, 0);
      return count(now) - count(before);
    };
    const tensors = values.map(([l, a]) => [scalar(l!), scalar(a!)]);
    const made = calls();
    tensors.forEach((sums, b) => {
      totals.add(sums, samples[b]!);
    });
    expect(calls()).toBe(made);
    const reading = await totals.read();
    expect(reading.sums).toEqual({ loss: 0.5 * 4 + 0.25 * 2, accuracy: 4 });
    expect(reading.means).toEqual({ loss: 2.5 / 6, accuracy: 4 / 6 });
    for (const t of tensors.flat()) t.dispose();
    totals.dispose();
  });

  it('reads every chunk once, however often it is read, and frees what it read', async () => {
    const before = memory().numTensors;
    const totals = new RunningTotals(['loss', 'accuracy'], { chunkBatches: 4 });
    const seen: number[] = [];
    let expected = 0;
    for (let b = 0; b < 30; b++) {
      feed(totals, 1, 2, () => b);
      expected += b;
      if (b % 3 === 0) seen.push((await totals.means()).loss! * totals.samples);
    }
    expect(seen.at(-1)).toBe(((27 * 28) / 2) as number);
    expect((await totals.means()).loss! * totals.samples).toBe(expected);
    expect(totals.meansSync()).toEqual(await totals.means());
    // Open chunk + unread sealed chunks only: a handful of tensors, not one per batch.
    expect(memory().numTensors - before).toBeLessThanOrEqual(2);
    totals.dispose();
    totals.dispose();
    expect(memory().numTensors).toBe(before);
  });

  it('sums in float64 when a batch value is float64, and rejects non-scalars', async () => {
    const totals = new RunningTotals(['loss', 'accuracy']);
    const a = scalar(0.1, 'float64');
    const b = tensor(3);
    totals.add([a, b], 10);
    totals.add([a, b], 10);
    expect((await totals.means()).loss).toBe((0.1 + 0.1) / 20);
    const wide = tensor([1, 2]);
    expect(() => totals.add([wide, b], 2)).toThrow(/loss must be a scalar/);
    expect(() => totals.add([a], 2)).toThrow(/expected 2 sums, got 1/);
    for (const t of [a, b, wide]) t.dispose();
    totals.dispose();
  });

  it('names the first non-finite (or non-zero) batch of a watched column, across chunks, without extra reads', async () => {
    const before = memory().numTensors;
    const totals = new RunningTotals(['loss', 'invalid'], {
      chunkBatches: 4,
      watch: { loss: 'finite', invalid: 'zero' },
    });
    const add = (loss: number, invalid: number) => {
      const sums = [tensor(loss), tensor(invalid)];
      totals.add(sums, 2);
      for (const t of sums) t.dispose();
    };
    for (let b = 0; b < 6; b++) add(1, 0);
    let reading = await totals.read();
    expect(reading.firstBad).toEqual({});
    expect(reading.sums).toEqual({ loss: 6, invalid: 0 });
    add(Number.POSITIVE_INFINITY, 0); // batch 6 (the third of the second chunk)
    add(1, 3); // batch 7
    add(Number.NaN, 0);
    add(1, 1);
    reading = await totals.read();
    expect(reading.firstBad).toEqual({ loss: 6, invalid: 7 });
    expect(reading.sums.loss).toBeNaN();
    expect(reading.sums.invalid).toBe(4);
    // Still named after the chunk was sealed and read, and unchanged by later bad batches.
    for (let b = 0; b < 9; b++) add(Number.NaN, 1);
    expect(totals.readSync().firstBad).toEqual({ loss: 6, invalid: 7 });
    expect(totals.batches).toBe(19);
    totals.dispose();
    expect(memory().numTensors).toBe(before);
  });

  it('finds a bad first batch, and one in a chunk that was sealed before any read', async () => {
    const totals = new RunningTotals(['loss'], { chunkBatches: 2, watch: { loss: 'finite' } });
    for (const value of [1, 1, 1, Number.NEGATIVE_INFINITY, 1]) {
      const t = tensor(value);
      totals.add([t], 1);
      t.dispose();
    }
    expect((await totals.read()).firstBad).toEqual({ loss: 3 });
    totals.dispose();
    const first = new RunningTotals(['loss'], { chunkBatches: 2, watch: { loss: 'finite' } });
    const nan = tensor(Number.NaN);
    first.add([nan], 1);
    expect(first.readSync().firstBad).toEqual({ loss: 0 });
    nan.dispose();
    first.dispose();
    expect(() => new RunningTotals(['loss'], { chunkBatches: 2, watch: { lost: 'finite' } })).toThrow(
      "watched 'lost' is not one of loss",
    );
  });
});
