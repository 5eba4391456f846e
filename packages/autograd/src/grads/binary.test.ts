import { add, div, greater, maximum, minimum, mul, neg, pow, sub, tensor, where } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { grad } from '../grad';
import { awayFrom, check, f64, uniform } from '../test-utils';

describe('binary elementwise gradients (with broadcasting)', () => {
  const shapes: [string, number[], number[]][] = [
    ['same shape', [2, 3], [2, 3]],
    ['trailing broadcast', [2, 3], [3]],
    ['size-1 axes both ways', [2, 1, 4], [3, 1]],
    ['rank-0 operand', [3, 2], []],
    ['size-1 leading axis', [1, 3], [4, 1, 3]],
  ];
  for (const [name, sa, sb] of shapes) {
    it(`add/sub/mul: ${name}`, () => {
      check(add, [f64(sa, 1), f64(sb, 2)]);
      check(sub, [f64(sa, 3), f64(sb, 4)]);
      check(mul, [f64(sa, 5), f64(sb, 6)]);
    });
    it(`div: ${name}`, () => {
      check(div, [f64(sa, 7), uniform(sb, 8, 0.5, 2)]);
      check(div, [f64(sa, 9), neg(uniform(sb, 10, 0.5, 2))]);
    });
    it(`pow: ${name}`, () => {
      check(pow, [uniform(sa, 11, 0.5, 2), f64(sb, 12)]);
    });
    it(`maximum/minimum: ${name}`, () => {
      check(maximum, [f64(sa, 13), f64(sb, 14)]);
      check(minimum, [f64(sa, 15), f64(sb, 16)]);
    });
  }

  it('pow with a constant exponent and negative bases', () => {
    check((x) => pow(x, 3), [awayFrom([2, 3], 17, [0])]);
    check((x) => pow(x, 2), [f64([4], 18)]);
  });

  it('pow with respect to the exponent is 0 where the base is not positive', () => {
    const [, db] = grad((a, b) => pow(a, b).sum())(
      tensor([0, -2, 2], undefined, 'float64'),
      tensor([2, 2, 2], undefined, 'float64'),
    );
    expect(db!.toArray()).toEqual([0, 0, 4 * Math.log(2)]);
  });

  it('maximum/minimum split ties evenly, like PyTorch', () => {
    const a = tensor([1, 2, 3]);
    const b = tensor([1, 0, 5]);
    const [da, db] = grad((x, y) => maximum(x, y).sum())(a, b);
    expect(da!.toArray()).toEqual([0.5, 1, 0]);
    expect(db!.toArray()).toEqual([0.5, 0, 1]);
    const [ma, mb] = grad((x, y) => minimum(x, y).sum())(a, b);
    expect(ma!.toArray()).toEqual([0.5, 0, 1]);
    expect(mb!.toArray()).toEqual([0.5, 1, 0]);
  });

  it('where: dy to a where the condition holds, to b elsewhere, broadcasting all three', () => {
    const condition = greater(f64([2, 1, 3], 19), 0);
    check((a, b) => where(condition, a, b), [f64([4, 3], 20), f64([2, 1, 1], 21)]);
    check((a) => where(condition, a, 0), [f64([3], 22)]);
  });
});
