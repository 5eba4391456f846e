import { describe, expect, it } from 'vitest';
import { ValueError } from '../errors';
import { checkOptions, closestName, describeValue, type OptionKeys } from './options';

interface Demo {
  epochs?: number;
  batchSize?: number;
  validationSplit?: number;
  lr?: number;
}
const DEMO: OptionKeys<Demo> = { epochs: true, batchSize: true, validationSplit: true, lr: true };

describe('checkOptions', () => {
  it('accepts known keys, undefined options and keys set to undefined', () => {
    expect(() => checkOptions('demo', { epochs: 1, batchSize: 2 }, DEMO)).not.toThrow();
    expect(() => checkOptions<Demo>('demo', undefined, DEMO)).not.toThrow();
    expect(() => checkOptions('demo', { epochs: 1, other: undefined } as Demo, DEMO)).not.toThrow();
  });

  it('names the unknown key, the closest known one and every known one', () => {
    const call = () => checkOptions('fit', { validationSplt: 0.1 } as Demo, DEMO);
    expect(call).toThrow(ValueError);
    expect(call).toThrow(
      "fit: unknown option 'validationSplt'; did you mean 'validationSplit'? (known options: epochs, batchSize, validationSplit, lr)",
    );
  });

  it('suggests across case, underscores and aliases; stays silent when nothing is close', () => {
    expect(closestName('batch_size', Object.keys(DEMO))).toBe('batchSize');
    expect(closestName('EPOCHS', Object.keys(DEMO))).toBe('epochs');
    expect(closestName('epoch', Object.keys(DEMO))).toBe('epochs');
    expect(closestName('btachSize', Object.keys(DEMO))).toBe('batchSize'); // a swap costs one
    expect(closestName('batch', Object.keys(DEMO))).toBe('batchSize');
    expect(closestName('use_bias', ['bias', 'generator'])).toBe('bias');
    expect(closestName('ep', Object.keys(DEMO))).toBeUndefined();
    expect(closestName('learningRate', Object.keys(DEMO))).toBeUndefined();
    expect(closestName('learningRate', Object.keys(DEMO), { learningRate: 'lr' })).toBe('lr');
    expect(() => checkOptions('SGD', { learningRate: 0.1 } as Demo, DEMO, { learningRate: 'lr' })).toThrow(
      "SGD: unknown option 'learningRate'; did you mean 'lr'?",
    );
    expect(() => checkOptions('demo', { colour: 1 } as Demo, DEMO)).toThrow(
      "demo: unknown option 'colour' (known options:",
    );
  });

  it('lists several unknown keys at once', () => {
    expect(() => checkOptions('demo', { epoch: 1, zzz: 2 } as Demo, DEMO)).toThrow(
      "demo: unknown options 'epoch'; did you mean 'epochs'?, 'zzz' (known options:",
    );
  });

  it('refuses options that are not an object', () => {
    for (const bad of [null, 3, 'fast', [1]]) {
      expect(() => checkOptions('Linear', bad as unknown as Demo, DEMO)).toThrow(
        `Linear: options must be an object, got ${describeValue(bad)}`,
      );
    }
  });
});

describe('describeValue', () => {
  it('keeps NaN and Infinity visible where JSON.stringify prints null', () => {
    expect(JSON.stringify([Number.NaN, 1])).toBe('[null,1]');
    expect(describeValue([Number.NaN, 1])).toBe('[NaN, 1]');
    expect(describeValue(Number.POSITIVE_INFINITY)).toBe('Infinity');
    expect(describeValue('same')).toBe("'same'");
    expect(describeValue({ a: 1 })).toBe('{"a":1}');
    expect(describeValue(new Map())).toBe('a Map');
    expect(describeValue(undefined)).toBe('undefined');
  });
});
