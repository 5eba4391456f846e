/**
 * The demo page in a real Chromium (Debian's, driven by playwright-core): draw digits as mouse strokes,
 * upload a PNG, check the predictions, and save a screenshot. Needs a model trained by the app, which
 * test/model-fixture.ts trains once (on a subset) and caches for the other app tests.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, CHROMIUM_ARGS } from '../../../tooling/browser/harness.mjs';
import { serve } from '../src/server';
import { digitPng, trainedModelDir } from './model-fixture';

const appDir = join(__dirname, '..');

async function stroke(page: Page, points: [number, number][]): Promise<void> {
  const box = (await page.locator('#pad').boundingBox())!;
  const at = ([x, y]: [number, number]) => [box.x + (x / 280) * box.width, box.y + (y / 280) * box.height] as const;
  const [x0, y0] = at(points[0]!);
  await page.mouse.move(x0, y0);
  await page.mouse.down();
  for (const p of points.slice(1)) {
    const [x, y] = at(p);
    await page.mouse.move(x, y, { steps: 6 });
  }
  await page.mouse.up();
}

async function predictionAfter(page: Page, draw: () => Promise<void>): Promise<string> {
  await page.click('#clear');
  await draw();
  await page.waitForFunction(() => document.querySelector('#prediction')?.textContent !== '?');
  // Let the final post-stroke prediction land.
  await page.waitForTimeout(300);
  return (await page.textContent('#prediction'))!.trim();
}

describe('digit recognizer page in Chromium', () => {
  let browser: Browser;
  let page: Page;
  let server: Awaited<ReturnType<typeof serve>>;
  let viteOutput = '';

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install chromium`);
    // With --logLevel warn Vite prints only warnings and errors: the page must bundle without any. NODE_ENV as
    // `npm run demo` has it (vitest sets 'test', under which Vite builds for development and skips some warnings).
    const build = spawnSync(join(appDir, 'node_modules', '.bin', 'vite'), ['build', '--logLevel', 'warn'], {
      cwd: appDir,
      encoding: 'utf8',
      env: { ...process.env, NODE_ENV: 'production' },
    });
    viteOutput = `${build.stdout}${build.stderr}`.trim();
    if (build.status !== 0) throw new Error(`vite build failed (exit ${build.status}):\n${viteOutput}`);
    server = await serve({ webRoot: join(appDir, 'dist-web'), modelDir: await trainedModelDir(), port: 0 });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS] });
    page = await browser.newPage({ viewport: { width: 900, height: 700 } });
    page.on('pageerror', (error) => console.error('page error:', error));
    await page.goto(server.url);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 60_000 });
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('bundles the page with Vite without a warning (no Node module reaches the browser build)', () => {
    expect(viteOutput).toBe('');
  });

  it('runs on the fastest backend and offers every backend that loaded', async () => {
    expect(await page.textContent('#backend-name')).toBe('wasm');
    const options = await page.locator('#backend option').allTextContents();
    expect(options).toEqual(expect.arrayContaining(['cpu', 'wasm', 'gpu']));
  });

  it('recognises a 1, a 7 and a 0 drawn with the mouse', async () => {
    const one = await predictionAfter(page, () =>
      stroke(page, [
        [140, 40],
        [140, 240],
      ]),
    );
    const seven = await predictionAfter(page, async () => {
      await stroke(page, [
        [70, 50],
        [210, 50],
        [130, 240],
      ]);
    });
    const zero = await predictionAfter(page, () =>
      stroke(
        page,
        Array.from({ length: 25 }, (_, i) => {
          const angle = (i / 24) * 2 * Math.PI;
          return [140 + 60 * Math.sin(angle), 140 - 95 * Math.cos(angle)] as [number, number];
        }),
      ),
    );
    expect([one, seven, zero]).toEqual(['1', '7', '0']);
    const bars = await page.locator('#probabilities li').count();
    expect(bars).toBe(10);
  });

  it('predicts the same drawing on every backend of the picker', async () => {
    const drawOne = () =>
      stroke(page, [
        [150, 40],
        [135, 240],
      ]);
    const byBackend: Record<string, string> = {};
    for (const name of ['gpu', 'cpu', 'wasm']) {
      await page.selectOption('#backend', name);
      await page.waitForFunction((wanted) => document.querySelector('#backend-name')?.textContent === wanted, name);
      byBackend[name] = await predictionAfter(page, drawOne);
    }
    expect(byBackend).toEqual({ gpu: '1', cpu: '1', wasm: '1' });
  });

  it('recognises an uploaded PNG digit and saves a screenshot', async () => {
    const dir = join(tmpdir(), 'nn-browser-test');
    mkdirSync(dir, { recursive: true });
    const { png, label } = await digitPng(3);
    const file = join(dir, `digit-${label}.png`);
    writeFileSync(file, png);
    await page.setInputFiles('#file', file);
    await page.waitForFunction(() => document.querySelector('#status')?.textContent?.includes('recognised'));
    expect((await page.textContent('#prediction'))!.trim()).toBe(String(label));
    const shots = join(appDir, 'test-results');
    mkdirSync(shots, { recursive: true });
    await page.screenshot({ path: join(shots, 'digit-recognizer.png'), fullPage: true });
  });
});
