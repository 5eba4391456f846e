import { getBackend, matmul, tidy } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { grad } from '../grad';
import { check, f64 } from '../test-utils';

describe('matmul gradients', () => {
  it('2-D', () => {
    check((a, b) => matmul(a, b), [f64([3, 4], 80), f64([4, 2], 81)]);
  });
  it('1-D operands', () => {
    check((a, b) => matmul(a, b), [f64([4], 82), f64([4, 2], 83)]);
    check((a, b) => matmul(a, b), [f64([3, 4], 84), f64([4], 85)]);
    check((a, b) => matmul(a, b), [f64([4], 86), f64([4], 87)]);
    check((a, b) => matmul(a, b), [f64([2, 3, 4], 88), f64([4], 89)]);
  });
  it('batched, with broadcast batch axes (size-1 and missing)', () => {
    check((a, b) => matmul(a, b), [f64([2, 1, 3, 4], 90), f64([5, 4, 2], 91)]);
    check((a, b) => matmul(a, b), [f64([3, 4], 92), f64([2, 4, 2], 93)]);
  });
  it('a matrix shared by a batch (a Linear layer over [N, T, F]), plain and transposed', () => {
    check((a, b) => matmul(a, b), [f64([2, 3, 5, 4], 96), f64([4, 2], 97)]);
    check((a, b) => matmul(a, b, { transposeB: true }), [f64([3, 5, 4], 98), f64([2, 4], 99)]);
  });
  it("folds the batch into one GEMM for the shared matrix's gradient: no sum over the batch afterwards", () => {
    const [a, b] = [f64([6, 5, 4], 100), f64([2, 4], 101)];
    const coverage = getBackend().kernelCoverage();
    tidy(() => {
      coverage.resetCounts();
      grad((x: typeof a, w: typeof b) => matmul(x, w, { transposeB: true }).sum())(a, b);
      // The forward sum only (one batched GEMM + a Sum over the batch before).
      expect(getBackend().kernelCoverage().nativeCalls.Sum).toBe(1);
    });
  });
  for (const transposeA of [false, true]) {
    for (const transposeB of [false, true]) {
      it(`transposeA=${transposeA} transposeB=${transposeB}, batched and broadcast`, () => {
        const a = f64(transposeA ? [2, 1, 4, 3] : [2, 1, 3, 4], 94);
        const b = f64(transposeB ? [3, 2, 4] : [3, 4, 2], 95);
        check((x, y) => matmul(x, y, { transposeA, transposeB }), [a, b]);
      });
    }
  }
});
