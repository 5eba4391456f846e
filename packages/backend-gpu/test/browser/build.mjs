// Bundles test/browser/entry.ts (with @nn/* resolved to their sources) into one script for the page.
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const packages = fileURLToPath(new URL('../../../', import.meta.url));

export async function bundle() {
  const result = await build({
    entryPoints: [fileURLToPath(new URL('./entry.ts', import.meta.url))],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    logLevel: 'silent',
    // @nn/layers loads node:fs/node:path lazily, and only under Node (file paths); the page never does.
    external: ['node:*'],
    plugins: [
      {
        name: 'nn-sources',
        setup(b) {
          b.onResolve({ filter: /^@nn\/[a-z0-9-]+(\/[a-z0-9-]+)?$/ }, (args) => {
            const [, , pkg, sub] = args.path.split(/[@/]/);
            return { path: sub ? `${packages}${pkg}/src/${sub}/index.ts` : `${packages}${pkg}/src/index.ts` };
          });
        },
      },
    ],
  });
  return result.outputFiles[0].text;
}
