/** Property-based tests of the tensor algebra (fast-check): shapes and values drawn at random, seeded inputs. */
import { add, concat, matmul, randn, reshape, slice, sum, type Tensor, tidy, transpose } from '@nn/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const runs = { numRuns: 50 };
const dim = fc.integer({ min: 1, max: 4 });
const shape = (maxRank: number) => fc.array(dim, { minLength: 0, maxLength: maxRank });
const seed = fc.integer({ min: 0, max: 2 ** 31 - 1 });

const values = (t: Tensor): number[] => Array.from(t.dataSync());

function expectClose(actual: Tensor, expected: Tensor, tolerance = 1e-4): void {
  expect(actual.shape).toEqual(expected.shape);
  const e = values(expected);
  values(actual).forEach((v, i) => {
    expect(Math.abs(v - e[i]!)).toBeLessThanOrEqual(tolerance * (1 + Math.abs(e[i]!)));
  });
}

/** Two shapes that broadcast together: a common shape, each side dropping leading axes and setting some to 1. */
const broadcastPair = shape(4).chain((full) =>
  fc
    .tuple(
      fc.constant(full),
      fc.integer({ min: 0, max: full.length }),
      fc.integer({ min: 0, max: full.length }),
      fc.array(fc.boolean(), { minLength: full.length, maxLength: full.length }),
      fc.array(fc.boolean(), { minLength: full.length, maxLength: full.length }),
    )
    .map(([full, dropA, dropB, onesA, onesB]) => {
      const a = full.map((d, i) => (onesA[i] ? 1 : d)).slice(dropA);
      const b = full.map((d, i) => (onesB[i] ? 1 : d)).slice(dropB);
      return { a, b };
    }),
);

/** A permutation of [0, rank). */
const permutationOf = (rank: number) =>
  fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: rank, maxLength: rank }).map((keys) =>
    keys
      .map((k, i) => [k, i] as const)
      .sort((x, y) => x[0] - y[0] || x[1] - y[1])
      .map(([, i]) => i),
  );

describe('algebra properties', () => {
  it('broadcasting is commutative in shape, and add(a, b) == add(b, a)', () => {
    fc.assert(
      fc.property(broadcastPair, seed, ({ a, b }, s) =>
        tidy(() => {
          const x = randn(a, { seed: s });
          const y = randn(b, { seed: s + 1 });
          const ab = add(x, y);
          const ba = add(y, x);
          expect(ab.shape).toEqual(ba.shape);
          expect(ab.rank).toBe(Math.max(a.length, b.length));
          expect(values(ab)).toEqual(values(ba));
        }),
      ),
      runs,
    );
  });

  it('reshape to flat and back, and through any factorisation, is the identity', () => {
    fc.assert(
      fc.property(shape(4), shape(3), seed, (s, other, sd) =>
        tidy(() => {
          const x = randn(s, { seed: sd });
          expect(values(reshape(reshape(x, [-1]), s))).toEqual(values(x));
          // Any shape with the same size: `other` padded with the size left over.
          const rest = x.size / other.reduce((p, d) => p * d, 1);
          if (Number.isInteger(rest)) {
            const y = reshape(x, [...other, rest]);
            expect(values(reshape(y, s))).toEqual(values(x));
          }
        }),
      ),
      runs,
    );
  });

  it('transpose by a permutation then by its inverse is the identity', () => {
    const withPerm = shape(5).chain((s) => fc.tuple(fc.constant(s), permutationOf(s.length)));
    fc.assert(
      fc.property(withPerm, seed, ([s, perm], sd) =>
        tidy(() => {
          const x = randn(s, { seed: sd });
          const inverse = perm.map((_, i) => perm.indexOf(i));
          const there = transpose(x, perm);
          expect(there.shape).toEqual(perm.map((p) => s[p]));
          const back = transpose(there, inverse);
          expect(back.shape).toEqual(s);
          expect(values(back)).toEqual(values(x));
          // The default reverses the axes, so applying it twice is the identity too.
          expect(values(transpose(transpose(x)))).toEqual(values(x));
        }),
      ),
      runs,
    );
  });

  it('sum over all axes equals summing one axis at a time, in any order', () => {
    const withOrder = shape(4).chain((s) => fc.tuple(fc.constant(s), permutationOf(s.length)));
    fc.assert(
      fc.property(withOrder, seed, ([s, order], sd) =>
        tidy(() => {
          const x = randn(s, { seed: sd });
          const total = sum(x);
          // Reduce the original axes in `order`; each one's current index drops by the axes before it already gone.
          let stepwise = x;
          order.forEach((axis, step) => {
            const goneBefore = order.slice(0, step).filter((o) => o < axis).length;
            stepwise = sum(stepwise, axis - goneBefore);
          });
          expect(stepwise.shape).toEqual([]);
          expectClose(stepwise, total);
          expectClose(
            sum(
              x,
              order.map((a) => a - s.length),
              true,
            ).reshape([]),
            total,
          );
        }),
      ),
      runs,
    );
  });

  it('concat then slice gives back the parts', () => {
    const parts = fc
      .tuple(shape(3), fc.integer({ min: 1, max: 4 }))
      .chain(([base, n]) =>
        fc.tuple(
          fc.constant(base.length === 0 ? [1] : base),
          fc.integer({ min: 0, max: Math.max(0, base.length - 1) }),
          fc.array(fc.integer({ min: 0, max: 3 }), { minLength: n, maxLength: n }),
        ),
      );
    fc.assert(
      fc.property(parts, seed, ([base, axis, lengths], sd) =>
        tidy(() => {
          const tensors = lengths.map((len, i) =>
            randn(
              base.map((d, j) => (j === axis ? len : d)),
              { seed: sd + i },
            ),
          );
          const joined = concat(tensors, axis);
          let offset = 0;
          tensors.forEach((t) => {
            const begin = base.map((_, j) => (j === axis ? offset : 0));
            const piece = slice(joined, begin, t.shape);
            expect(piece.shape).toEqual(t.shape);
            expect(values(piece)).toEqual(values(t));
            offset += t.shape[axis]!;
          });
          expect(joined.shape[axis]).toBe(offset);
        }),
      ),
      runs,
    );
  });

  it('matmul is associative within float32 tolerance', () => {
    fc.assert(
      fc.property(
        fc.tuple(dim, dim, dim, dim),
        fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 2 }),
        seed,
        ([m, k, l, n], batch, sd) =>
          tidy(() => {
            const a = randn([...batch, m, k], { seed: sd });
            const b = randn([k, l], { seed: sd + 1 });
            const c = randn([...batch, l, n], { seed: sd + 2 });
            expectClose(matmul(matmul(a, b), c), matmul(a, matmul(b, c)), 1e-4);
          }),
      ),
      runs,
    );
  });
});
