import { ValueError } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { decodeLimits, MIN_DECODE_BYTES } from './limits';

describe('decodeLimits', () => {
  it('scales the default memory limit with the input, from a floor', () => {
    expect(decodeLimits(1000, {}).maxBytes).toBe(MIN_DECODE_BYTES);
    expect(decodeLimits(2 ** 20, {}).maxBytes).toBe(32 * 2 ** 20);
    // Past the first MiB each byte allows 128: a 3 MiB photo may use 32 + 256 MiB.
    expect(decodeLimits(3 * 2 ** 20, {}).maxBytes).toBe((32 + 256) * 2 ** 20);
    expect(decodeLimits(1000, { maxDecodeBytes: 5 }).maxBytes).toBe(5);
    expect(decodeLimits(1000, { maxPixels: 9 }).maxPixels).toBe(9);
  });

  it('refuses limits that are not positive numbers with a ValueError naming the option', () => {
    for (const bad of [0, -1, Number.NaN, '10']) {
      expect(() => decodeLimits(10, { maxDecodeBytes: bad as number })).toThrow(ValueError);
      expect(() => decodeLimits(10, { maxPixels: bad as number })).toThrow(/maxPixels must be a positive number/);
    }
  });
});
