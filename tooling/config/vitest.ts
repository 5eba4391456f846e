import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineProject, type UserWorkspaceConfig } from 'vitest/config';

const packagesDir = fileURLToPath(new URL('../../packages/', import.meta.url));

/** Packages whose main entry has a `node` export condition: under Node (where tests run) it loads src/node.ts. */
const nodeEntries = readdirSync(packagesDir).filter((name) => {
  const manifest = `${packagesDir}${name}/package.json`;
  return existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).exports?.['.']?.node !== undefined;
});

/**
 * Tests run against `src/` of every @nn package, so they need no build step:
 * `@nn/tensor` -> packages/tensor/src/index.ts, `@nn/tensor/testing` -> packages/tensor/src/testing/index.ts,
 * and `@nn/layers` -> packages/layers/src/node.ts (its `node` export condition, as Node resolves it).
 */
export const sourceAliases = [
  ...nodeEntries.map((name) => ({
    find: new RegExp(`^@nn/${name}$`),
    replacement: `${packagesDir}${name}/src/node.ts`,
  })),
  { find: /^@nn\/([a-z0-9-]+)\/([a-z0-9-]+)$/, replacement: `${packagesDir}$1/src/$2/index.ts` },
  { find: /^@nn\/([a-z0-9-]+)$/, replacement: `${packagesDir}$1/src/index.ts` },
];

export function packageTests(name: string, extra: UserWorkspaceConfig['test'] = {}) {
  return defineProject({
    resolve: { alias: sourceAliases },
    test: { name, include: ['src/**/*.test.ts', 'test/**/*.test.ts'], testTimeout: 60_000, ...extra },
  });
}
