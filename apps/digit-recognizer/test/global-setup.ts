/** Trains the model the app's tests share, once per test run, with the app's own `train` command code. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ready } from '@nn/tensor';
import type { TestProject } from 'vitest/node';
import { DEFAULT_SETTINGS, train } from '../src/train';

export const FIXTURE_SETTINGS = { ...DEFAULT_SETTINGS, epochs: 2, trainSubset: 12_000, testSubset: 2_000 };

export default async function setup(project: TestProject): Promise<() => void> {
  // The fastest backend present, as the app's own `train` command picks it.
  await import('@nn/backend-wasm').catch(() => undefined);
  await ready();
  const dir = mkdtempSync(join(tmpdir(), 'nn-digit-model-'));
  const result = await train(dir, FIXTURE_SETTINGS, false);
  console.log(
    `[digit-recognizer tests] fixture model: ${(result.testAccuracy * 100).toFixed(2)}% on 2,000 test images, ${result.seconds.toFixed(0)} s`,
  );
  project.provide('modelDir', dir);
  return () => rmSync(dir, { recursive: true, force: true });
}
