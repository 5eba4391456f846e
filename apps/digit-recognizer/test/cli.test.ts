/** The command line as a user runs it: a short `demo --no-serve` training run, then `predict` on PNG digits. */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadMnist } from '@nn/data';
import { loadModel, type Sequential } from '@nn/layers';
import * as ort from 'onnxruntime-node';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main, parseCli } from '../src/cli';
import { digitPng, trainedModelDir } from './model-fixture';

function captureLog(): { lines: string[]; restore(): void } {
  const lines: string[] = [];
  const spy = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    lines.push(args.join(' '));
  });
  return { lines, restore: () => spy.mockRestore() };
}

describe('digit-recognizer CLI', () => {
  afterEach(() => vi.restoreAllMocks());

  it('parses commands, flags and values', () => {
    const options = parseCli(['predict', 'a.png', '--model', 'm', '--quiet', 'b.png', '--epochs=2']);
    expect(options.command).toBe('predict');
    expect(options.positional).toEqual(['a.png', 'b.png']);
    expect(options.flags.get('model')).toBe('m');
    expect(options.flags.get('quiet')).toBe(true);
    expect(options.flags.get('epochs')).toBe('2');
  });

  it('demo --no-serve trains, writes the model and the report, and reuses the model next time', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nn-demo-'));
    const args = [
      'demo',
      '--no-serve',
      '--quiet',
      '--model',
      dir,
      // 32 steps: the one-cycle schedule spends its first 30% warming up, 16 steps left too few at full rate.
      '--subset',
      '2000',
      '--test-subset',
      '200',
      '--epochs',
      '1',
    ];
    const first = captureLog();
    await main(args);
    first.restore();
    for (const file of [
      'model.json',
      'model.safetensors',
      'training.json',
      'report/index.html',
      'report/curves.svg',
      'report/confusion.svg',
      'report/misclassified.svg',
    ]) {
      expect(existsSync(join(dir, file)), file).toBe(true);
    }
    const summary = JSON.parse(readFileSync(join(dir, 'training.json'), 'utf8')) as { testAccuracy: number };
    expect(summary.testAccuracy).toBeGreaterThan(0.5);
    const second = captureLog();
    await main(args);
    second.restore();
    expect(second.lines.join('\n')).toContain('Using the model trained earlier');
  });

  it('predict prints the digit and the top-3 probabilities of PNG digits', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nn-predict-'));
    const files: string[] = [];
    const labels: number[] = [];
    for (const index of [0, 1, 2, 3, 4]) {
      const { png, label } = await digitPng(index);
      const file = join(dir, `digit-${index}.png`);
      writeFileSync(file, png);
      files.push(file);
      labels.push(label);
    }
    const log = captureLog();
    await main(['predict', ...files, '--model', await trainedModelDir()]);
    log.restore();
    expect(log.lines).toHaveLength(files.length);
    const predicted = log.lines.map((line) => Number(/: (\d) {2}\(top 3: /.exec(line)?.[1]));
    expect(log.lines[0]).toMatch(/top 3: \d [\d.]+%, \d [\d.]+%, \d [\d.]+%/);
    // A subset-trained model: allow one miss in five.
    expect(predicted.filter((p, i) => p === labels[i]).length).toBeGreaterThanOrEqual(4);
  });

  it('predict without files and unknown commands are clear errors', async () => {
    await expect(main(['predict'])).rejects.toThrow('predict: give one or more PNG/JPEG files');
    await expect(main(['fly'])).rejects.toThrow("unknown command 'fly'");
    await expect(main(['export'])).rejects.toThrow('export: give the format, --onnx');
  });

  it('export --onnx writes a model ONNX Runtime runs with the same logits', async () => {
    const modelDir = await trainedModelDir();
    const out = join(mkdtempSync(join(tmpdir(), 'nn-onnx-')), 'lenet5.onnx');
    const log = captureLog();
    await main(['export', '--onnx', '--model', modelDir, '--out', out]);
    log.restore();
    expect(log.lines).toEqual([`ONNX model: ${out} (input 'image' [batch, 1, 28, 28], output 'logits' [batch, 10])`]);
    const { images } = await loadMnist('test');
    const x = images.slice([0, 0, 0, 0], [8, 1, 28, 28]);
    const session = await ort.InferenceSession.create(out);
    const { logits } = await session.run({ image: new ort.Tensor('float32', x.dataSync() as Float32Array, x.shape) });
    const ours = ((await loadModel(modelDir)) as Sequential).eval().forward(x).dataSync();
    expect(logits!.dims).toEqual([8, 10]);
    const theirs = logits!.data as Float32Array;
    expect(Math.max(...ours.map((v, i) => Math.abs(v - theirs[i]!)))).toBeLessThan(1e-4);
    await session.release();
  });
});
