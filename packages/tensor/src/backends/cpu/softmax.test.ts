import { describe, expect, it } from 'vitest';
import { expectClose, input, randomValues, rng, run } from './test-utils';

describe('SoftmaxCrossEntropy', () => {
  it('equals -sum(target * log(softmax(logits))) per row', () => {
    const random = rng(2);
    const [rows, classes] = [5, 7];
    const logits = randomValues(random, rows * classes, 'float64').map((v) => 4 * v);
    const target = randomValues(random, rows * classes, 'float64').map(Math.abs);
    const out = run(
      'SoftmaxCrossEntropy',
      (be) => ({
        logits: input(be, logits, [rows, classes], 'float64'),
        target: input(be, target, [rows, classes], 'float64'),
      }),
      {},
    );
    const expected = Array.from({ length: rows }, (_, r) => {
      const row = logits.slice(r * classes, (r + 1) * classes);
      const total = row.reduce((s, v) => s + Math.exp(v), 0);
      return -row.reduce((s, v, j) => s + target[r * classes + j]! * Math.log(Math.exp(v) / total), 0);
    });
    expect(out).toMatchObject({ shape: [rows], dtype: 'float64' });
    expectClose(out.values, expected, 1e-12);
  });

  it('stays finite for huge logits and ignores -Infinity logits with zero target', () => {
    const out = run(
      'SoftmaxCrossEntropy',
      (be) => ({
        logits: input(be, [1000, 0, Number.NEGATIVE_INFINITY, -1000, 1000, 1000], [2, 3]),
        target: input(be, [1, 0, 0, 0, 0.5, 0.5], [2, 3]),
      }),
      {},
    );
    expect(out.dtype).toBe('float32');
    expectClose(out.values, [0, Math.log(2)], 1e-6);
  });

  it('handles zero rows', () => {
    const out = run(
      'SoftmaxCrossEntropy',
      (be) => ({ logits: input(be, [], [0, 3]), target: input(be, [], [0, 3]) }),
      {},
    );
    expect(out).toMatchObject({ shape: [0], values: [] });
  });
});
