import { tensor, ValueError } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { TensorDataset } from './dataset';
import { randomSplit, trainTestSplit } from './split';

const N = 100;
const labels = Int32Array.from({ length: N }, (_, i) => (i < 70 ? 0 : i < 90 ? 1 : 2));
const dataset = () =>
  new TensorDataset(
    tensor(
      Float32Array.from({ length: N }, (_, i) => i),
      [N, 1],
    ),
    tensor(labels, [N], 'int32'),
  );
const sorted = (a: ArrayLike<number>) => Array.from(a).sort((p, q) => p - q);

describe('trainTestSplit', () => {
  it('defaults to a seeded 80/20 split that covers every sample once', () => {
    const { train, test } = trainTestSplit(dataset());
    expect([train.length, test.length]).toEqual([80, 20]);
    expect(sorted([...train.indices, ...test.indices])).toEqual(Array.from({ length: N }, (_, i) => i));
    const again = trainTestSplit(dataset(), { testFraction: 0.2, seed: 0 });
    expect(Array.from(again.test.indices)).toEqual(Array.from(test.indices));
    expect(Array.from(trainTestSplit(dataset(), { seed: 1 }).test.indices)).not.toEqual(Array.from(test.indices));
  });

  it('stratify keeps class proportions in both sets', () => {
    for (const stratify of [true, labels]) {
      const { train, test } = trainTestSplit(dataset(), { testFraction: 0.3, seed: 5, stratify });
      expect(test.length).toBe(30);
      const count = (idx: Int32Array, c: number) => Array.from(idx).filter((i) => labels[i] === c).length;
      expect([count(test.indices, 0), count(test.indices, 1), count(test.indices, 2)]).toEqual([21, 6, 3]);
      expect([count(train.indices, 0), count(train.indices, 1), count(train.indices, 2)]).toEqual([49, 14, 7]);
    }
  });

  it('stratify works with one-hot targets', () => {
    const oneHot = new Float32Array(N * 3);
    for (let i = 0; i < N; i++) oneHot[i * 3 + labels[i]!] = 1;
    const ds = new TensorDataset(tensor(new Float32Array(N), [N, 1]), tensor(oneHot, [N, 3]));
    const { test } = trainTestSplit(ds, { testFraction: 0.1, stratify: true });
    expect(Array.from(test.indices).filter((i) => labels[i] === 2)).toHaveLength(1);
  });

  it('rejects bad fractions and label counts', () => {
    expect(() => trainTestSplit(dataset(), { testFraction: 1 })).toThrow(ValueError);
    expect(() => trainTestSplit(dataset(), { testFraction: 0 })).toThrow(ValueError);
    expect(() => trainTestSplit(dataset(), { stratify: [1, 2] })).toThrow(ValueError);
  });
});

describe('randomSplit', () => {
  it('splits by fractions or lengths into disjoint seeded subsets', () => {
    const parts = randomSplit(dataset(), [0.5, 0.25, 0.25], { seed: 2 });
    expect(parts.map((p) => p.length)).toEqual([50, 25, 25]);
    expect(sorted(parts.flatMap((p) => Array.from(p.indices)))).toEqual(Array.from({ length: N }, (_, i) => i));
    const byLength = randomSplit(dataset(), [50, 25, 25], { seed: 2 });
    expect(Array.from(byLength[1]!.indices)).toEqual(Array.from(parts[1]!.indices));
    expect(randomSplit(dataset(), [0.33, 0.33, 0.34]).map((p) => p.length)).toEqual([33, 33, 34]);
    expect(
      randomSplit(new TensorDataset(tensor(new Float32Array(10), [10])), [0.3, 0.3, 0.4]).map((p) => p.length),
    ).toEqual([3, 3, 4]);
  });

  it('rejects sizes that do not add up', () => {
    expect(() => randomSplit(dataset(), [0.5, 0.4])).toThrow(ValueError);
    expect(() => randomSplit(dataset(), [50, 49])).toThrow(ValueError);
  });
});
