/**
 * Modules print, and errors name, the class as the user wrote it: `Sequential(...)`, `LSTM: ...`. Source code is
 * right by construction; the published bundle is where esbuild renamed self-referencing classes to `_Sequential`.
 * So this bundles the package with the build preset's own esbuild options and checks the names in the bundle.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { packageBuild } from '../../../tooling/config/tsup';

const packagesDir = fileURLToPath(new URL('../../', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'nn-class-names-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Bundles @nn/layers and its @nn dependencies from source, as tsup would (same target and keepNames). */
async function bundledLayers(): Promise<typeof import('./index') & { tensor: typeof import('@nn/tensor') }> {
  const preset = packageBuild({ index: 'src/index.ts' });
  const entry = join(scratch, 'entry.ts');
  writeFileSync(
    entry,
    `export * from '${packagesDir}layers/src/index.ts';\nexport * as tensor from '${packagesDir}tensor/src/index.ts';\n`,
  );
  const outfile = join(scratch, 'bundle.mjs');
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: preset.target as string,
    keepNames: preset.keepNames,
    logLevel: 'silent',
    plugins: [
      {
        name: 'nn-sources',
        setup(b) {
          b.onResolve({ filter: /^@nn\/[a-z0-9-]+$/ }, (args) => ({
            path: `${packagesDir}${args.path.slice(4)}/src/index.ts`,
          }));
        },
      },
    ],
  });
  return import(/* @vite-ignore */ pathToFileURL(outfile).href);
}

describe('class names in the built package', () => {
  it('print and error messages use the class names of the source', async () => {
    const m = await bundledLayers();
    const model = new m.Sequential(new m.Linear(2, 3), new m.ReLU(), new m.LSTM(3, 4));
    expect(model.constructor.name).toBe('Sequential');
    expect(String(model)).toMatch(/^Sequential\(\n {2}\(0\): Linear\(/);
    expect(String(model)).toContain('(2): LSTM(');
    expect(() => new m.LSTM(3, 4).forward(m.tensor.ones([2, 5, 2]))).toThrow(/^LSTM: expected input/);
    expect(() => new m.BatchNorm2d(0)).toThrow(/^BatchNorm2d: numFeatures/);
  }, 60_000);
});
