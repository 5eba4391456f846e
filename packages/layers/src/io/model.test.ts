import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FormatError, manualSeed, randn, tensor } from '@nn/tensor';
import { describe, expect, it, vi } from 'vitest';
import { Linear, ReLU, Sequential } from '../layers';
import { writeFileAtomic } from './files';
import { loadModel, loadSafetensors, saveModel, saveSafetensors } from './model';

const tempDir = () => mkdtempSync(join(tmpdir(), 'nn-io-'));

function model(): Sequential {
  return new Sequential(new Linear(3, 4), new ReLU(), new Linear(4, 2));
}

describe('saveModel / loadModel', () => {
  it('rebuilds the architecture and the exact weights', async () => {
    manualSeed(3);
    const original = model();
    const dir = join(tempDir(), 'nested', 'model');
    await saveModel(original, dir, { metadata: { accuracy: 0.5 } });
    expect(readdirSync(dir).sort()).toEqual(['model.json', 'model.safetensors']);
    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    expect(json).toMatchObject({
      format: 'nn-model',
      version: 1,
      architecture: { className: 'Sequential' },
      metadata: { accuracy: 0.5 },
    });
    const loaded = await loadModel(dir);
    const x = randn([5, 3], { seed: 1 });
    expect(Array.from((loaded.forward(x) as ReturnType<Sequential['forward']>).dataSync())).toEqual(
      Array.from(original.forward(x).dataSync()),
    );
    // The weights file is plain safetensors with PyTorch names.
    expect(Object.keys(await loadSafetensors(join(dir, 'model.safetensors')))).toEqual([
      '0.weight',
      '0.bias',
      '2.weight',
      '2.bias',
    ]);
  });

  it('refuses a model.json and weights from different saves', async () => {
    const a = tempDir();
    const b = tempDir();
    await saveModel(model(), a);
    await saveModel(model(), b);
    writeFileSync(join(a, 'model.safetensors'), readFileSync(join(b, 'model.safetensors')));
    await expect(loadModel(a)).rejects.toThrow(/come from different saves/);
  });

  it('a corrupt model.json or weights file is a FormatError', async () => {
    const dir = tempDir();
    await saveModel(model(), dir);
    const weights = readFileSync(join(dir, 'model.safetensors'));
    writeFileSync(join(dir, 'model.safetensors'), weights.subarray(0, weights.length - 4));
    await expect(loadModel(dir)).rejects.toThrow(/data_offsets \[\d+, \d+\] are outside the data region/);
    writeFileSync(join(dir, 'model.safetensors'), weights);
    writeFileSync(
      join(dir, 'model.json'),
      '{"format": "nn-model", "version": 1, "architecture": {"className": "Nope"}}',
    );
    await expect(loadModel(dir)).rejects.toThrow(/unknown module class 'Nope'/);
    writeFileSync(join(dir, 'model.json'), 'not json');
    await expect(loadModel(dir)).rejects.toThrow(/model.json is not valid JSON/);
  });

  it('loading mismatched weights is a FormatError and leaves the model untouched', async () => {
    const dir = tempDir();
    const path = join(dir, 'w.safetensors');
    await saveSafetensors({ '0.weight': tensor([[1, 2, 3]]), '0.bias': tensor([1]) }, path);
    const target = model();
    const before = Object.values(target.stateDict()).map((t) => Array.from(t.dataSync()));
    expect(() => target.loadStateDict({} as never)).toThrow(FormatError);
    const sd = await loadSafetensors(path);
    expect(() => target.loadStateDict(sd)).toThrow(FormatError);
    expect(Object.values(target.stateDict()).map((t) => Array.from(t.dataSync()))).toEqual(before);
  });
});

describe('atomic writes', () => {
  it('a write that fails midway leaves the old file intact and no temp file behind', async () => {
    const dir = tempDir();
    const path = join(dir, 'weights.safetensors');
    await saveSafetensors({ w: tensor([1, 2, 3]) }, path);
    const good = readFileSync(path);
    function* failing() {
      yield new Uint8Array(1000).fill(7);
      throw new Error('disk on fire');
    }
    await expect(writeFileAtomic(path, failing(), 'test')).rejects.toThrow('disk on fire');
    expect(readFileSync(path)).toEqual(good);
    expect(readdirSync(dir)).toEqual(['weights.safetensors']);
  });

  it('saveSafetensors whose serialization throws after the header keeps the old file', async () => {
    const dir = tempDir();
    const path = join(dir, 'weights.safetensors');
    await saveSafetensors({ a: tensor([1]), b: tensor([2]) }, path);
    const good = readFileSync(path);
    const b = tensor([5]);
    vi.spyOn(b, 'dataSync').mockImplementation(() => {
      throw new Error('read failed');
    });
    await expect(saveSafetensors({ a: tensor([4]), b }, path)).rejects.toThrow('read failed');
    expect(readFileSync(path)).toEqual(good);
    expect(readdirSync(dir)).toEqual(['weights.safetensors']);
  });

  it('saveModel writes both files or neither when serialization fails', async () => {
    const dir = tempDir();
    const m = model();
    await saveModel(m, dir);
    const json = readFileSync(join(dir, 'model.json'));
    const weights = readFileSync(join(dir, 'model.safetensors'));
    const bias = m.stateDict()['2.bias']!;
    vi.spyOn(bias, 'dataSync').mockImplementation(() => {
      throw new Error('boom');
    });
    await expect(saveModel(m, dir)).rejects.toThrow('boom');
    expect(readFileSync(join(dir, 'model.json'))).toEqual(json);
    expect(readFileSync(join(dir, 'model.safetensors'))).toEqual(weights);
    expect(readdirSync(dir).sort()).toEqual(['model.json', 'model.safetensors']);
  });
});
