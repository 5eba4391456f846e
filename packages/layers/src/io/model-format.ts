/**
 * A whole model as bytes (browser-safe): one standard safetensors file whose `__metadata__` carries the model's
 * `model.json` (architecture, save id, user metadata) under the key `model.json`. Any safetensors reader opens
 * the weights by their PyTorch names; `deserializeModel` rebuilds the model from the file alone. `saveModel`
 * writes exactly these bytes as `model.safetensors`, which is why one atomic rename commits a whole save.
 */
import { dispose, FormatError, type Tensor } from '@nn/tensor';
import type { Module } from '../module';
import { deserializeModule, type ModuleSpec, serializeModule } from '../registry';
import { parseSafetensorsFile, safetensorsChunks, serializeSafetensors } from './safetensors';

/** The contents of `model.json` (also embedded in the weights file, see the module comment). */
export interface ModelJson {
  format: 'nn-model';
  version: 1;
  architecture: ModuleSpec;
  /** Identifies one save; 0.1 paired model.json with model.safetensors by it. */
  saveId: string;
  metadata: Record<string, unknown>;
}

/** Options of `saveModel` and `serializeModel`. */
export interface SaveModelOptions {
  /** Anything JSON-safe to keep with the model (training settings, accuracy...). */
  metadata?: Record<string, unknown>;
}

/** The `__metadata__` key holding the model.json text. */
export const EMBEDDED_JSON_KEY = 'model.json';

/** Describes `model` for saving: architecture, a fresh save id and the user's metadata. */
export function modelJson(model: Module, options: SaveModelOptions = {}): ModelJson {
  return {
    format: 'nn-model',
    version: 1,
    architecture: serializeModule(model),
    saveId: `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`,
    metadata: JSON.parse(JSON.stringify(options.metadata ?? {})),
  };
}

/** model.json as text, as written to disk. */
export const modelJsonText = (json: ModelJson) => `${JSON.stringify(json, null, 2)}\n`;

/** The `__metadata__` of a model file: the embedded model.json, and what 0.1 paired the two files by. */
const modelMetadata = (json: ModelJson) => ({
  format: 'nn-model',
  saveId: json.saveId,
  [EMBEDDED_JSON_KEY]: JSON.stringify(json),
});

/** The model file (weights + embedded model.json) as chunks, for writing without one big buffer. */
export function modelChunks(model: Module, json: ModelJson): Generator<Uint8Array> {
  return safetensorsChunks(model.stateDict(), modelMetadata(json));
}

/**
 * A model as one byte array (weights + architecture), for a page to store, download or post.
 * @example const bytes = serializeModel(model); const again = deserializeModel(bytes);
 */
export function serializeModel(model: Module, options: SaveModelOptions = {}): Uint8Array {
  return serializeSafetensors(model.stateDict(), modelMetadata(modelJson(model, options)));
}

/**
 * Rebuilds a model from `serializeModel`'s bytes (or the bytes of a `model.safetensors` written by `saveModel`).
 * A bad file is a FormatError, and then nothing stays allocated.
 * @example const model = deserializeModel(new Uint8Array(await (await fetch('model.safetensors')).arrayBuffer()));
 */
export function deserializeModel(bytes: Uint8Array | ArrayBuffer): Module {
  const { tensors, metadata } = parseSafetensorsFile(bytes);
  try {
    const text = metadata[EMBEDDED_JSON_KEY];
    if (text === undefined) {
      throw new FormatError(
        `deserializeModel: the file has no '${EMBEDDED_JSON_KEY}' in its metadata: plain weights (read them with parseSafetensors), or a model saved by @nn/layers 0.1 (use loadModel on its directory)`,
      );
    }
    const source = `the embedded ${EMBEDDED_JSON_KEY}`;
    return buildModel(readModelJson(text, source, 'deserializeModel'), tensors, 'deserializeModel', source);
  } finally {
    dispose(tensors);
  }
}

/** Checks model.json's shape (never evaluates anything from it). */
export function readModelJson(text: string, source: string, what: string): ModelJson {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new FormatError(`${what}: ${source} is not valid JSON (${(error as Error).message})`);
  }
  const j = json as Partial<ModelJson> | null;
  if (j === null || typeof j !== 'object' || j.format !== 'nn-model') {
    throw new FormatError(`${what}: ${source} is not an nn-model file (format: ${JSON.stringify(j?.format)})`);
  }
  if (j.version !== 1) throw new FormatError(`${what}: ${source} has unsupported version ${JSON.stringify(j.version)}`);
  if (j.architecture === null || typeof j.architecture !== 'object') {
    throw new FormatError(`${what}: ${source} has no architecture`);
  }
  return j as ModelJson;
}

/**
 * Rebuilds `json`'s architecture and loads `tensors` into it strictly, and returns it in eval mode. On any failure
 * the half-built model is disposed, so a failed load allocates nothing; `tensors` stay the caller's to dispose.
 */
export function buildModel(json: ModelJson, tensors: Record<string, Tensor>, what: string, source: string): Module {
  let model: Module;
  try {
    model = deserializeModule(json.architecture);
  } catch (error) {
    if (error instanceof FormatError) throw error;
    throw new FormatError(`${what}: cannot rebuild the architecture in ${source}: ${(error as Error).message}`);
  }
  try {
    model.loadStateDict(tensors, { strict: true });
  } catch (error) {
    dispose(model.stateDict());
    throw error;
  }
  // A loaded model is for predicting first (API.md: loadModel returns eval mode); `train()` turns training back on.
  return model.eval();
}
