/** Runs the README's example as written and checks what it prints. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it, vi } from 'vitest';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
// Inside the package, so the example's bare imports (onnxruntime-node) resolve as they would in an app.
const dir = mkdtempSync(join(fileURLToPath(new URL('../node_modules/', import.meta.url)), '.readme-'));

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

it('the README example runs and prints what it says', async () => {
  expect(blocks).toHaveLength(1);
  const file = join(dir, 'example.ts');
  writeFileSync(file, blocks[0]!);
  const logs: string[] = [];
  const spy = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    logs.push(args.map((a) => (Array.isArray(a) ? `[${a.join(', ')}]` : String(a))).join(' '));
  });
  try {
    await import(/* @vite-ignore */ file);
  } finally {
    spy.mockRestore();
  }
  expect(logs).toEqual(['[4, 10] true', '[4, 10] 10']);
});
