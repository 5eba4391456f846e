/**
 * Saving tensors and whole models. `saveModel(model, dir)` writes `model.json` (the architecture, so
 * `loadModel` needs no user code) and `model.safetensors` (the weights, PyTorch names).
 *
 * Guarantee: each file is replaced atomically (temp file, fsync, rename), so a crash never leaves a
 * half-written file where a good one stood. Both temp files are written before either is renamed; the
 * two renames are not one atomic step, so both files carry the same random `saveId`, and `loadModel`
 * refuses (FormatError) a model.json/model.safetensors pair that came from different saves.
 */
import { FormatError, type Tensor } from '@nn/tensor';
import type { Module } from '../module';
import { deserializeModule, type ModuleSpec, serializeModule } from '../registry';
import { commit, discard, nodeModules, type PendingFile, readBytes, writeFileAtomic, writeTemp } from './files';
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
  await writeFileAtomic(path, safetensorsChunks(stateDict, metadata), 'saveSafetensors');
}

/**
 * Reads a safetensors file (a path in Node, or the bytes anywhere) into tensors by name.
 * @example model.loadStateDict(await loadSafetensors('weights.safetensors'));
 */
export async function loadSafetensors(pathOrBytes: string | Uint8Array | ArrayBuffer): Promise<Record<string, Tensor>> {
  const bytes = typeof pathOrBytes === 'string' ? await readBytes(pathOrBytes, 'loadSafetensors') : pathOrBytes;
  return parseSafetensors(bytes);
}

/** The contents of `model.json`. */
export interface ModelJson {
  format: 'nn-model';
  version: 1;
  architecture: ModuleSpec;
  /** Matches the `saveId` in model.safetensors' metadata: both files come from the same save. */
  saveId: string;
  metadata: Record<string, unknown>;
}

export interface SaveModelOptions {
  /** Anything JSON-safe to keep with the model (training settings, accuracy...). */
  metadata?: Record<string, unknown>;
}

/**
 * Saves a model to a directory (created if needed): `model.json` + `model.safetensors`.
 * @example await saveModel(model, 'models/lenet'); const again = await loadModel('models/lenet');
 */
export async function saveModel(model: Module, dir: string, options: SaveModelOptions = {}): Promise<void> {
  const { fs, path } = await nodeModules('saveModel');
  const saveId = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
  const json: ModelJson = {
    format: 'nn-model',
    version: 1,
    architecture: serializeModule(model),
    saveId,
    metadata: JSON.parse(JSON.stringify(options.metadata ?? {})),
  };
  await fs.mkdir(dir, { recursive: true });
  const pending: PendingFile[] = [];
  try {
    const weights = safetensorsChunks(model.stateDict(), { format: 'nn-model', saveId });
    pending.push(await writeTemp(path.join(dir, 'model.safetensors'), weights, 'saveModel'));
    const text = new TextEncoder().encode(`${JSON.stringify(json, null, 2)}\n`);
    pending.push(await writeTemp(path.join(dir, 'model.json'), [text], 'saveModel'));
  } catch (error) {
    await discard(pending, 'saveModel');
    throw error;
  }
  await commit(pending, 'saveModel');
}

/** Checks model.json's shape (never evaluates anything from it). */
function readModelJson(text: string, file: string): ModelJson {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new FormatError(`loadModel: ${file} is not valid JSON (${(error as Error).message})`);
  }
  const j = json as Partial<ModelJson> | null;
  if (j === null || typeof j !== 'object' || j.format !== 'nn-model') {
    throw new FormatError(`loadModel: ${file} is not an nn-model file (format: ${JSON.stringify(j?.format)})`);
  }
  if (j.version !== 1) throw new FormatError(`loadModel: ${file} has unsupported version ${JSON.stringify(j.version)}`);
  if (j.architecture === null || typeof j.architecture !== 'object') {
    throw new FormatError(`loadModel: ${file} has no architecture`);
  }
  return j as ModelJson;
}

/**
 * Rebuilds a model saved by `saveModel` and loads its weights strictly (missing, unexpected or
 * mis-shaped weights are a FormatError).
 */
export async function loadModel(dir: string): Promise<Module> {
  const { fs, path } = await nodeModules('loadModel');
  const jsonFile = path.join(dir, 'model.json');
  const json = readModelJson(await fs.readFile(jsonFile, 'utf8'), jsonFile);
  const { tensors, metadata } = parseSafetensorsFile(await readBytes(path.join(dir, 'model.safetensors'), 'loadModel'));
  if (json.saveId !== undefined && metadata.saveId !== undefined && json.saveId !== metadata.saveId) {
    throw new FormatError(
      `loadModel: model.json (save ${json.saveId}) and model.safetensors (save ${metadata.saveId}) come from different saves`,
    );
  }
  let model: Module;
  try {
    model = deserializeModule(json.architecture);
  } catch (error) {
    if (error instanceof FormatError) throw error;
    throw new FormatError(`loadModel: cannot rebuild the architecture in ${jsonFile}: ${(error as Error).message}`);
  }
  try {
    model.loadStateDict(tensors, { strict: true });
  } finally {
    for (const t of Object.values(tensors)) t.dispose();
  }
  return model;
}
