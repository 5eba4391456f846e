import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FormatError, manualSeed, memory, randn, StateError, tensor } from '@nn/tensor';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Linear, ReLU, Sequential } from '../layers';
import type { Module } from '../module';
import { setFileAccess } from './files';
import { loadModel, loadSafetensors, saveModel, saveSafetensors } from './model';
import { deserializeModel, serializeModel } from './model-format';
import { parseSafetensorsFile, serializeSafetensors } from './safetensors';

const tempDir = () => mkdtempSync(join(tmpdir(), 'nn-io-'));
const fixtures = new URL('./fixtures/', import.meta.url);

function model(): Sequential {
  return new Sequential(new Linear(3, 4), new ReLU(), new Linear(4, 2));
}

const values = (m: Module) => Object.values(m.stateDict()).map((t) => Array.from(t.dataSync()));

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
    expect(loaded.modules().every((m) => !m.training)).toBe(true); // eval mode, as API.md says
    const x = randn([5, 3], { seed: 1 });
    expect(Array.from((loaded.forward(x) as ReturnType<Sequential['forward']>).dataSync())).toEqual(
      Array.from(original.forward(x).dataSync()),
    );
    // The weights file is plain safetensors with PyTorch names, and carries the same model.json.
    const { tensors, metadata } = parseSafetensorsFile(readFileSync(join(dir, 'model.safetensors')));
    expect(Object.keys(tensors)).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
    expect(JSON.parse(metadata['model.json']!)).toEqual(json);
    expect(metadata.saveId).toBe(json.saveId);
  });

  it('loads a model written by @nn/layers 0.1 (model.json paired with model.safetensors by saveId)', async () => {
    // fixtures/model-0.1 is what saveModel of 0.1.0 wrote, untouched; the expected output was computed then.
    const expected = JSON.parse(readFileSync(new URL('model-0.1.expected.json', fixtures), 'utf8'));
    const loaded = await loadModel(new URL('model-0.1', fixtures).pathname);
    loaded.eval(); // BatchNorm1d: its running statistics, as when the output was computed
    const out = loaded.forward(randn(expected.input.shape, { seed: expected.input.seed })) as ReturnType<
      Sequential['forward']
    >;
    expect(Array.from(out.dataSync())).toEqual(expected.output);
  });

  it('refuses a 0.1 model.json and weights from different saves', async () => {
    const dir = tempDir();
    cpSync(new URL('model-0.1', fixtures).pathname, dir, { recursive: true });
    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    writeFileSync(join(dir, 'model.json'), JSON.stringify({ ...json, saveId: 'another-save' }));
    await expect(loadModel(dir)).rejects.toThrow(
      /model.json \(save another-save\) and model.safetensors .* different saves/,
    );
  });

  it('reads only model.safetensors: a model.json left behind by another save does not matter', async () => {
    manualSeed(1);
    const a = model();
    const b = new Sequential(new Linear(3, 7));
    const dirA = tempDir();
    const dirB = tempDir();
    await saveModel(a, dirA);
    await saveModel(b, dirB);
    writeFileSync(join(dirA, 'model.json'), readFileSync(join(dirB, 'model.json')));
    expect(values(await loadModel(dirA))).toEqual(values(a));
  });

  it('a corrupt weights file or embedded model.json is a FormatError', async () => {
    const dir = tempDir();
    await saveModel(model(), dir);
    const weights = readFileSync(join(dir, 'model.safetensors'));
    writeFileSync(join(dir, 'model.safetensors'), weights.subarray(0, weights.length - 4));
    await expect(loadModel(dir)).rejects.toThrow(/data_offsets \[\d+, \d+\] are outside the data region/);
    const sd = model().stateDict();
    const withJson = (text: string) => serializeSafetensors(sd, { format: 'nn-model', 'model.json': text });
    writeFileSync(join(dir, 'model.safetensors'), withJson('not json'));
    await expect(loadModel(dir)).rejects.toThrow(/embedded model.json\) is not valid JSON/);
    writeFileSync(
      join(dir, 'model.safetensors'),
      withJson('{"format": "nn-model", "version": 1, "architecture": {"className": "Nope"}}'),
    );
    await expect(loadModel(dir)).rejects.toThrow(/unknown module class 'Nope'/);
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

  it('a save whose serialization fails keeps the previous model and leaves no temporary file', async () => {
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

describe('serializeModel / deserializeModel (bytes, for the browser)', () => {
  it('round-trips a model through one Uint8Array, the same format as model.safetensors', async () => {
    manualSeed(5);
    const original = model();
    const bytes = serializeModel(original, { metadata: { note: 'x' } });
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect(values(deserializeModel(bytes))).toEqual(values(original));
    expect(values(deserializeModel(bytes.slice().buffer))).toEqual(values(original));
    const dir = tempDir();
    await saveModel(original, dir);
    expect(values(deserializeModel(readFileSync(join(dir, 'model.safetensors'))))).toEqual(values(original));
  });

  it('plain safetensors (no embedded model.json) is a FormatError that says what to use, and allocates nothing', () => {
    const plain = serializeSafetensors(model().stateDict());
    const before = memory().numTensors;
    expect(() => deserializeModel(plain)).toThrow(/no 'model.json' in its metadata: plain weights/);
    expect(memory().numTensors).toBe(before);
  });
});

describe('without a file system (the browser entry)', () => {
  afterEach(async () => {
    const { nodeFileAccess } = await import('./node-files');
    setFileAccess(nodeFileAccess());
  });

  it('paths are a StateError pointing at the bytes functions; bytes still work', async () => {
    setFileAccess(undefined);
    await expect(saveModel(model(), 'somewhere')).rejects.toThrow(StateError);
    await expect(loadModel('somewhere')).rejects.toThrow(
      /loadModel: file paths need Node.js.*serializeModel\/deserializeModel/,
    );
    await expect(saveSafetensors({ w: tensor([1]) }, 'w.safetensors')).rejects.toThrow(
      /saveSafetensors: file paths need/,
    );
    await expect(loadSafetensors('w.safetensors')).rejects.toThrow(StateError);
    const loaded = await loadSafetensors(serializeSafetensors({ w: tensor([1, 2]) }));
    expect(Array.from(loaded.w!.dataSync())).toEqual([1, 2]);
  });
});
