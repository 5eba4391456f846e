import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { entryPoints, undocumentedExports } from './check-docs.mjs';

const scratch = mkdtempSync(join(tmpdir(), 'nn-check-docs-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Writes `files` (path -> text) under a fresh directory and returns it. */
function tree(name, files) {
  const base = join(scratch, name);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(base, path, '..'), { recursive: true });
    writeFileSync(join(base, path), text);
  }
  return base;
}

describe('check-docs', () => {
  it('reads the entry points from package.json exports, conditions included', () => {
    const exports = {
      '.': { node: { import: { types: './dist/node.d.ts' } }, import: { types: './dist/index.d.ts' } },
      './testing': { import: { types: './dist/testing.d.ts' } },
      './package.json': './package.json',
    };
    const base = tree('entries', {
      'packages/a/package.json': JSON.stringify({ name: '@nn/a', exports }),
      'packages/a/src/index.ts': '',
      'packages/a/src/node.ts': '',
      'packages/a/src/testing/index.ts': '',
    });
    expect(entryPoints(base).map((e) => e.name)).toEqual(['@nn/a', '@nn/a/node', '@nn/a/testing']);
  });

  it('names every export without a doc comment, followed through re-exports', () => {
    const base = tree('exports', {
      'src/index.ts': [
        "export { documented, bare, Thing, type Shape } from './impl';",
        '/** A constant. */',
        'export const answer = 42;',
        'export const other = 1;',
        '/** @example tagsOnly() */',
        'export function tagsOnly(): void {}',
        '/** @internal For the other packages. */',
        'export function internal(): void {}',
      ].join('\n'),
      'src/impl.ts': [
        '/** Has one. */',
        'export function documented(): void {}',
        'export function bare(): void {}',
        'export class Thing {}',
        '/** A shape. */',
        'export type Shape = number[];',
      ].join('\n'),
    });
    const problems = undocumentedExports([{ name: '@nn/x', file: join(base, 'src/index.ts') }], { base });
    expect(problems).toEqual([
      '@nn/x: Thing has no doc comment (src/impl.ts:4)',
      '@nn/x: bare has no doc comment (src/impl.ts:3)',
      '@nn/x: other has no doc comment (src/index.ts:4)',
      '@nn/x: tagsOnly has no doc comment (src/index.ts:6)',
    ]);
  });
});
