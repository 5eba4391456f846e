import { fileURLToPath } from 'node:url';
import { defineProject, type UserWorkspaceConfig } from 'vitest/config';

const packagesDir = fileURLToPath(new URL('../../packages/', import.meta.url));

/**
 * Tests run against `src/` of every @nn package, so they need no build step:
 * `@nn/tensor` -> packages/tensor/src/index.ts, `@nn/tensor/testing` -> packages/tensor/src/testing/index.ts.
 */
export const sourceAliases = [
  { find: /^@nn\/([a-z0-9-]+)\/([a-z0-9-]+)$/, replacement: `${packagesDir}$1/src/$2/index.ts` },
  { find: /^@nn\/([a-z0-9-]+)$/, replacement: `${packagesDir}$1/src/index.ts` },
];

export function packageTests(name: string, extra: UserWorkspaceConfig['test'] = {}) {
  return defineProject({
    resolve: { alias: sourceAliases },
    test: { name, include: ['src/**/*.test.ts', 'test/**/*.test.ts'], testTimeout: 60_000, ...extra },
  });
}
