import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      'packages/*',
      'apps/*',
      // The repo's own tooling (package checks, scripts) is tested too, so the suite is never empty.
      { test: { name: 'tooling', root: './tooling', include: ['**/*.test.{ts,mjs}'] } },
    ],
    reporters: ['default'],
  },
});
