import { mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  browserBundleProblems,
  checkContents,
  declaredExports,
  exportedEntries,
  readTarball,
  smokeChecks,
} from './check-packages.mjs';

const packagesDir = new URL('../../packages/', import.meta.url).pathname;

/** A minimal ustar writer: enough for readTarball, which ignores modes, owners and checksums. */
function tgz(files) {
  const blocks = [];
  for (const [name, text] of Object.entries(files)) {
    const body = Buffer.from(text);
    const header = Buffer.alloc(512);
    header.write(`package/${name}`, 0, 100);
    header.write(`${body.length.toString(8).padStart(11, '0')}\0`, 124, 12);
    header.write('0', 156, 1);
    header.write('ustar\0', 257, 6);
    blocks.push(header, body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(blocks));
}

const manifest = {
  name: '@nn/example',
  exports: { '.': {}, './testing': {}, './package.json': './package.json' },
  dependencies: { '@nn/tensor': '^0.1.0' },
};
const complete = ['package.json', 'README.md', 'LICENSE'].concat(
  ...['index', 'testing'].map((entry) => ['js', 'cjs', 'd.ts', 'd.cts'].map((ext) => `dist/${entry}.${ext}`)),
);

describe('check-packages', () => {
  it('reads file names and contents from a tarball, without the package/ folder', () => {
    const files = readTarball(tgz({ 'package.json': '{"name":"x"}', 'dist/index.js': 'export {};' }));
    expect([...files.keys()].sort()).toEqual(['dist/index.js', 'package.json']);
    expect(JSON.parse(files.get('package.json').toString())).toEqual({ name: 'x' });
  });

  it('derives one entry per exported subpath', () => {
    expect(exportedEntries(manifest)).toEqual(['index', 'testing']);
    expect(exportedEntries({})).toEqual(['index']);
  });

  it('accepts a complete tarball and names every missing, leaked or workspace-only thing', () => {
    expect(checkContents(manifest, complete)).toEqual([]);
    const broken = { ...manifest, dependencies: { '@nn/tensor': 'workspace:^' } };
    const files = complete.filter((file) => file !== 'dist/testing.d.cts').concat('src/index.ts', 'dist/a.test.js');
    expect(checkContents(broken, files)).toEqual([
      'missing dist/testing.d.cts',
      'should not be published: src/index.ts',
      'should not be published: dist/a.test.js',
      'dependencies.@nn/tensor is "workspace:^"',
    ]);
  });

  it('reads the value exports a bundled .d.ts promises, ignoring types and namespace members', () => {
    const dts = [
      '/** export { NotThis } */',
      'declare class Tensor {}',
      'interface Shape {}',
      'declare function add(a: Tensor, b: Tensor): Tensor;',
      'declare const engine: unknown;',
      'declare namespace shape {',
      '  export { sizeOf };',
      '  function sizeOf(s: Shape): number;',
      '}',
      "export { type Shape, Tensor, add, engine, shape as shapeUtil, Tensor as T, zeros } from './x';",
      'export { type Shape as S2, Tensor as Tensor2, add as plus, engine as e, shape as s };',
      'export declare function ones(): Tensor;',
    ].join('\n');
    expect(declaredExports(dts).values).toEqual(['Tensor2', 'e', 'ones', 'plus', 's']);
    expect(declaredExports('\nexport {  }\n')).toEqual({ all: [], values: [] });
  });

  it('has a smoke entry for every publishable package', () => {
    const publishable = readdirSync(packagesDir)
      .map((dir) => JSON.parse(readFileSync(join(packagesDir, dir, 'package.json'), 'utf8')))
      .filter((pkg) => !pkg.private)
      .map((pkg) => pkg.name);
    expect(Object.keys(smokeChecks).sort()).toEqual(publishable.sort());
  });

  it('names every error and warning of a browser bundle, and passes a clean one', async () => {
    const project = mkdtempSync(join(tmpdir(), 'nn-browser-check-'));
    // Linked into node_modules from elsewhere, as check-packages links the workspace's packages.
    const fake = (name, files) => {
      const dir = join(project, 'packages', name);
      mkdirSync(dir, { recursive: true });
      for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
      mkdirSync(join(project, 'node_modules'), { recursive: true });
      symlinkSync(dir, join(project, 'node_modules', name), 'junction');
    };
    fake('clean', { 'package.json': '{"name":"clean","main":"index.js"}', 'index.js': 'export const x = 1;' });
    fake('node-only', {
      'package.json': '{"name":"node-only","main":"index.js"}',
      'index.js': "import { readFile } from 'fs/promises';\nexport const read = readFile;",
    });
    fake('dropped', {
      'package.json': '{"name":"dropped","main":"index.js","sideEffects":false}',
      'index.js': "import './setup.js';\nexport const y = 2;",
      'setup.js': 'globalThis.z = 3;',
    });
    expect(await browserBundleProblems('clean', project)).toEqual([]);
    const nodeOnly = await browserBundleProblems('node-only', project);
    expect(nodeOnly).toHaveLength(1);
    expect(nodeOnly[0]).toMatch(/^error: Could not resolve "fs\/promises" \(.*node-only\/index\.js:1\)$/);
    expect(await browserBundleProblems('dropped', project)).toEqual([
      expect.stringMatching(/^warning: Ignoring this import because .*setup.js" was marked as having no side effects/),
    ]);
  });
});
