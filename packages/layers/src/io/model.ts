/**
 * Saving tensors and whole models to files (paths need Node: see files.ts; bytes work everywhere).
 *
 * On-disk layout of `saveModel(model, dir)` (see the package README):
 * - `model.safetensors`: the weights under their PyTorch names, with the whole model.json embedded in
 *   `__metadata__` (model-format.ts). It alone is the model: `loadModel` reads nothing else, so replacing it
 *   with one atomic rename commits a save, and a crash at any instant leaves the previous model or the new one.
 * - `model.json`: the same JSON, pretty-printed for people and tools, replaced after the weights. It can be one
 *   save behind after a crash; `loadModel` ignores it unless model.safetensors has no embedded copy.
 * - Models written by 0.1 (model.json + model.safetensors paired by `saveId`, no embedded copy) still load.
 */
import { dispose, FormatError, type Tensor } from '@nn/tensor';
import type { Module } from '../module';
import { fileAccess } from './files';
import {
  buildModel,
  EMBEDDED_JSON_KEY,
  type ModelJson,
  modelChunks,
  modelJson,
  modelJsonText,
  readModelJson,
  type SaveModelOptions,
} from './model-format';
import { parseSafetensors, parseSafetensorsFile, safetensorsChunks } from './safetensors';

/**
 * Writes tensors as a standard safetensors file (atomically).
 * @example await saveSafetensors(model.stateDict(), 'weights.safetensors');
 */
export async function saveSafetensors(
  stateDict: Record<string, Tensor>,
  path: string,
  metadata?: Record<string, string>,
): Promise<void> {
  await fileAccess('saveSafetensors').writeAtomic(path, safetensorsChunks(stateDict, metadata));
}

/**
 * Reads a safetensors file (a path in Node, or the bytes anywhere) into tensors by name.
 * @example model.loadStateDict(await loadSafetensors('weights.safetensors'));
 */
export async function loadSafetensors(pathOrBytes: string | Uint8Array | ArrayBuffer): Promise<Record<string, Tensor>> {
  const bytes = typeof pathOrBytes === 'string' ? await fileAccess('loadSafetensors').read(pathOrBytes) : pathOrBytes;
  return parseSafetensors(bytes);
}

/**
 * Saves a model to a directory (created if needed): `model.safetensors` (weights + architecture) and
 * `model.json` (the architecture and metadata, readable). Crash-safe: see the module comment.
 * @example await saveModel(model, 'models/lenet'); const again = await loadModel('models/lenet');
 */
export async function saveModel(model: Module, dir: string, options: SaveModelOptions = {}): Promise<void> {
  const files = fileAccess('saveModel');
  const json = modelJson(model, options);
  await files.makeDir(dir);
  await files.writeAtomic(files.join(dir, 'model.safetensors'), modelChunks(model, json));
  await files.writeAtomic(files.join(dir, 'model.json'), [new TextEncoder().encode(modelJsonText(json))]);
}

/**
 * Rebuilds a model saved by `saveModel` and loads its weights strictly (missing, unexpected or mis-shaped
 * weights are a FormatError). A failed load leaves nothing allocated.
 */
export async function loadModel(dir: string): Promise<Module> {
  const files = fileAccess('loadModel');
  const weightsFile = files.join(dir, 'model.safetensors');
  const { tensors, metadata } = parseSafetensorsFile(await files.read(weightsFile));
  try {
    const embedded = metadata[EMBEDDED_JSON_KEY];
    if (embedded !== undefined) {
      const source = `${weightsFile} (embedded ${EMBEDDED_JSON_KEY})`;
      return buildModel(readModelJson(embedded, source, 'loadModel'), tensors, 'loadModel', source);
    }
    const jsonFile = files.join(dir, 'model.json');
    const json = readPairedJson(jsonFile, metadata.saveId, await files.read(jsonFile));
    return buildModel(json, tensors, 'loadModel', jsonFile);
  } finally {
    dispose(tensors);
  }
}

/** A 0.1 directory: model.json must come from the same save as model.safetensors. */
function readPairedJson(jsonFile: string, saveId: string | undefined, bytes: Uint8Array): ModelJson {
  const json = readModelJson(new TextDecoder().decode(bytes), jsonFile, 'loadModel');
  if (json.saveId !== undefined && saveId !== undefined && json.saveId !== saveId) {
    throw new FormatError(
      `loadModel: model.json (save ${json.saveId}) and model.safetensors (save ${saveId}) come from different saves`,
    );
  }
  return json;
}
