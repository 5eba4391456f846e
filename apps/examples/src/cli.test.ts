import { afterEach, describe, expect, it, vi } from 'vitest';
import { main, withSettings } from './cli';
import { EXAMPLES } from './examples';

describe('examples CLI', () => {
  afterEach(() => vi.restoreAllMocks());

  it('lists every example, each with its folder name', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    await main(['--help']);
    const text = log.mock.calls.map((c) => String(c[0])).join('\n');
    for (const [name, example] of Object.entries(EXAMPLES)) {
      expect(example.name).toBe(name);
      expect(text).toContain(name);
    }
  });

  it('names an unknown example and an unknown backend', async () => {
    await expect(main(['nope'])).rejects.toThrow(/unknown example 'nope'/);
    await expect(main(['perceptron', '--backend', 'tpu'])).rejects.toThrow(/--backend: expected one of cpu, wasm, gpu/);
  });
});

describe('withSettings', () => {
  it('changes the named numbers and refuses unknown keys and non-numbers', () => {
    expect(withSettings({ epochs: 3, lr: 0.1 }, ['epochs=1', 'lr=0.5'])).toEqual({ epochs: 1, lr: 0.5 });
    expect(() => withSettings({ epochs: 3 }, ['epoch=1'])).toThrow(/no setting 'epoch' \(has: epochs\)/);
    expect(() => withSettings({ epochs: 3 }, ['epochs=x'])).toThrow(/'x' is not a number/);
  });
});
