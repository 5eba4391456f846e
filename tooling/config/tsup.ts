import type { Options } from 'tsup';

/**
 * The one build preset every @nn package uses: ESM + CJS + .d.ts/.d.cts + sourcemaps.
 * `entry` maps output names to sources, e.g. { index: 'src/index.ts', testing: 'src/testing/index.ts' }.
 */
export function packageBuild(entry: Record<string, string>, overrides: Options = {}): Options {
  return {
    entry,
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'es2022',
    splitting: true,
    treeshake: true,
    // esbuild renames a class that refers to itself (`class _Sequential`) when bundling; without this its
    // `constructor.name`, which error messages and `toString()` print, would be the internal name.
    keepNames: true,
    external: [/^@nn\//],
    ...overrides,
  };
}
