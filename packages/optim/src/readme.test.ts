/** Runs every ```ts example of the README as written and checks what it prints. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
const dir = mkdtempSync(join(tmpdir(), 'nn-optim-readme-'));

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** The numbers a log line holds, in order. */
const numbers = (line: string) => (line.match(/-?\d+(\.\d+)?(e-?\d+)?/g) ?? []).map(Number);

/** What each example must print, by its first distinctive line. */
const checks: [string, (logs: string[]) => void][] = [
  [
    'Fit y = 2x + 1',
    (logs) => {
      const [w, b] = numbers(logs.at(-1)!);
      expect(w).toBeCloseTo(2, 1);
      expect(b).toBeCloseTo(1, 1);
    },
  ],
  [
    'learningRate: 0.1',
    (logs) =>
      expect(logs).toEqual([
        "SGD: unknown option 'learningRate'; did you mean 'lr'? (known options: lr, momentum, dampening, nesterov, weightDecay, clipGradNorm)",
      ]),
  ],
  [
    'const norm = tidy(',
    (logs) => {
      expect(logs[0]).toBe('5');
      for (const line of logs.slice(1)) {
        const [a, b] = numbers(line);
        expect(a).toBeCloseTo(2.94, 5);
        expect(b).toBeCloseTo(-3.92, 5);
      }
      expect(logs).toHaveLength(3);
    },
  ],
  [
    'const warmup = new LinearLR',
    (logs) => expect(numbers(logs[0]!).map((v) => Number(v.toPrecision(12)))).toEqual([0.5, 0.75, 0.1, 0.1, 0.01]),
  ],
  [
    'new OneCycleLR(opt, { maxLr: 0.1, epochs: 2',
    (logs) => {
      const [lr, momentum] = numbers(logs[0]!);
      expect(lr).toBeCloseTo(0.004, 15);
      expect(momentum).toBe(0.95);
      expect(logs[1]).toBe('10');
    },
  ],
  ['new ReduceLROnPlateau(opt, { patience: 2', (logs) => expect(logs).toEqual(['1', '1', '1', '1', '0.5', '0.5'])],
  ['await fit(', (logs) => expect(logs).toEqual(['20', '3'])],
  ['const before = memory().numTensors', (logs) => expect(logs).toEqual(['2', '0', 'StateError'])],
];

describe('README examples', () => {
  it('every example has a check', () => {
    expect(blocks.map((code) => checks.findIndex(([marker]) => code.includes(marker)))).not.toContain(-1);
    expect(blocks).toHaveLength(checks.length);
  });

  it.each(checks)('the example with "%s" runs and prints what the README says', async (marker, check) => {
    const index = blocks.findIndex((code) => code.includes(marker));
    const file = join(dir, `example-${index}.ts`);
    writeFileSync(file, blocks[index]!);
    const logs: string[] = [];
    const spy = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      logs.push(args.map((a) => (Array.isArray(a) ? `[${a.join(', ')}]` : String(a))).join(' '));
    });
    try {
      await import(/* @vite-ignore */ file);
    } finally {
      spy.mockRestore();
    }
    check(logs);
  });
});
