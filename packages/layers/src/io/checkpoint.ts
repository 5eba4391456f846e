/**
 * Training checkpoints: model weights, optimizer state (and optionally a schedule's), the epoch, the random
 * generator's state and anything JSON-safe, in ONE safetensors file. Tensors are stored as `model.<name>`
 * and `optimizer.<param index>.<buffer>`; everything else is JSON in the `__metadata__` strings, so any
 * safetensors reader can open a checkpoint. Written atomically, like every save.
 */
import type { LRScheduler, Optimizer, OptimizerStateDict, SchedulerStateDict } from '@nn/optim';
import { defaultGenerator, FormatError, fmtShape, type Tensor, tensor } from '@nn/tensor';
import type { Module } from '../module';
import { fileAccess } from './files';
import { parseSafetensorsFile, safetensorsChunks } from './safetensors';

/** What `saveCheckpoint` stores: the model and, when given, optimizer, scheduler and epoch. */
export interface CheckpointContents {
  model: Module;
  optimizer?: Optimizer;
  scheduler?: LRScheduler;
  /** Epochs completed when the checkpoint was written. */
  epoch: number;
  /** The default generator's state (`defaultGenerator.getState()` when omitted). */
  generatorState?: readonly number[];
  /** Anything JSON-safe: history, config, best metric... */
  extra?: unknown;
}

/** What `loadCheckpoint` returns besides restoring the objects it was given. */
export interface LoadedCheckpoint {
  epoch: number;
  generatorState: number[] | undefined;
  extra: unknown;
}

/** An optimizer state whose buffer values live in tensors named by `tensor`. */
interface StoredOptimizerState extends Omit<OptimizerStateDict, 'state'> {
  state: { step: number; buffers: Record<string, { shape: number[]; tensor: string }> }[];
}

/** JSON drops NaN (the generator marks "no spare normal" with NaN): store null, read it back as NaN. */
const encodeNumbers = (values: readonly number[]) => values.map((v) => (Number.isNaN(v) ? null : v));

/**
 * Saves a checkpoint to `path` (one safetensors file).
 * @example await saveCheckpoint('run/ckpt.safetensors', { model, optimizer, epoch: 3 });
 */
export async function saveCheckpoint(path: string, contents: CheckpointContents): Promise<void> {
  const { model, optimizer, scheduler, epoch, extra } = contents;
  const tensors: Record<string, Tensor> = {};
  const temporary: Tensor[] = [];
  for (const [name, t] of Object.entries(model.stateDict())) tensors[`model.${name}`] = t;
  const metadata: Record<string, string> = { format: 'nn-checkpoint', version: '1', epoch: String(epoch) };
  if (optimizer) {
    const dict = optimizer.stateDict();
    const stored: StoredOptimizerState = {
      type: dict.type,
      hyperparams: dict.hyperparams,
      state: dict.state.map((s, i) => {
        const buffers: Record<string, { shape: number[]; tensor: string }> = {};
        for (const [name, b] of Object.entries(s.buffers)) {
          const key = `optimizer.${i}.${name}`;
          const t = tensor(b.values, b.shape, optimizer.params[i]!.dtype);
          temporary.push(t);
          tensors[key] = t;
          buffers[name] = { shape: b.shape, tensor: key };
        }
        return { step: s.step, buffers };
      }),
    };
    metadata.optimizer = JSON.stringify(stored);
  }
  if (scheduler) metadata.scheduler = JSON.stringify(scheduler.stateDict());
  metadata.generatorState = JSON.stringify(encodeNumbers(contents.generatorState ?? defaultGenerator.getState()));
  if (extra !== undefined) metadata.extra = JSON.stringify(extra);
  try {
    await fileAccess('saveCheckpoint').writeAtomic(path, safetensorsChunks(tensors, metadata));
  } finally {
    for (const t of temporary) t.dispose();
  }
}

/** The objects `loadCheckpoint` restores in place. */
export interface LoadCheckpointOptions {
  model: Module;
  optimizer?: Optimizer;
  scheduler?: LRScheduler;
  /** Restore the default generator from the checkpoint (default true). */
  restoreGenerator?: boolean;
}

function parseJson(key: string, text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new FormatError(`loadCheckpoint: __metadata__.${key} is not valid JSON (${(error as Error).message})`);
  }
}

/**
 * Restores a checkpoint into freshly made `model` / `optimizer` (and `scheduler`), and the default
 * generator. Everything is validated before anything changes: a FormatError leaves them all untouched.
 * @example const { epoch } = await loadCheckpoint('run/ckpt.safetensors', { model, optimizer });
 */
export async function loadCheckpoint(
  pathOrBytes: string | Uint8Array,
  options: LoadCheckpointOptions,
): Promise<LoadedCheckpoint> {
  const { model, optimizer, scheduler, restoreGenerator = true } = options;
  const bytes = typeof pathOrBytes === 'string' ? await fileAccess('loadCheckpoint').read(pathOrBytes) : pathOrBytes;
  const { tensors, metadata } = parseSafetensorsFile(bytes);
  try {
    if (metadata.format !== 'nn-checkpoint') {
      throw new FormatError(
        `loadCheckpoint: not an nn checkpoint (__metadata__.format is ${JSON.stringify(metadata.format)})`,
      );
    }
    const epoch = Number(metadata.epoch);
    if (!Number.isInteger(epoch) || epoch < 0) {
      throw new FormatError(`loadCheckpoint: __metadata__.epoch is ${JSON.stringify(metadata.epoch)}`);
    }
    const weights = checkModelWeights(model, tensors);
    const optimizerState = optimizer ? readOptimizerState(metadata, tensors) : undefined;
    const schedulerState = parseJson('scheduler', metadata.scheduler) as SchedulerStateDict | undefined;
    if (scheduler && schedulerState === undefined)
      throw new FormatError('loadCheckpoint: the checkpoint has no scheduler state');
    const rawGenerator = parseJson('generatorState', metadata.generatorState);
    let generatorState: number[] | undefined;
    if (rawGenerator !== undefined) {
      if (
        !Array.isArray(rawGenerator) ||
        rawGenerator.length !== 5 ||
        !rawGenerator.every((v) => v === null || typeof v === 'number')
      ) {
        throw new FormatError(`loadCheckpoint: __metadata__.generatorState must be 5 numbers`);
      }
      generatorState = rawGenerator.map((v) => (v === null ? Number.NaN : (v as number)));
    }
    const extra = parseJson('extra', metadata.extra);
    // Every check passed. Optimizer and scheduler validate before they change anything; the model's
    // weights were checked above, so its strict load cannot fail halfway.
    if (optimizer && optimizerState) optimizer.loadStateDict(optimizerState);
    if (scheduler && schedulerState) scheduler.loadStateDict(schedulerState);
    model.loadStateDict(weights, { strict: true });
    if (restoreGenerator && generatorState) defaultGenerator.setState(generatorState);
    return { epoch, generatorState, extra };
  } finally {
    for (const t of Object.values(tensors)) t.dispose();
  }
}

/** The `model.` tensors, checked against the model's own keys, shapes and dtypes. */
function checkModelWeights(model: Module, tensors: Record<string, Tensor>): Record<string, Tensor> {
  const weights: Record<string, Tensor> = {};
  for (const [key, t] of Object.entries(tensors)) if (key.startsWith('model.')) weights[key.slice(6)] = t;
  const own = model.stateDict();
  const missing = Object.keys(own).filter((k) => !Object.hasOwn(weights, k));
  const unexpected = Object.keys(weights).filter((k) => !Object.hasOwn(own, k));
  if (missing.length > 0 || unexpected.length > 0) {
    const parts = [];
    if (missing.length > 0) parts.push(`missing keys: ${missing.join(', ')}`);
    if (unexpected.length > 0) parts.push(`unexpected keys: ${unexpected.join(', ')}`);
    throw new FormatError(`loadCheckpoint: the weights do not match the model: ${parts.join('; ')}`);
  }
  for (const [key, target] of Object.entries(own)) {
    const t = weights[key]!;
    if (
      t.dtype !== target.dtype ||
      t.shape.length !== target.shape.length ||
      t.shape.some((d, i) => d !== target.shape[i])
    ) {
      throw new FormatError(
        `loadCheckpoint: '${key}' is ${t.dtype} ${fmtShape(t.shape)} in the checkpoint, ${target.dtype} ${fmtShape(target.shape)} in the model`,
      );
    }
  }
  return weights;
}

/** Rebuilds the optimizer's JSON-safe state from the metadata and the `optimizer.` tensors. */
function readOptimizerState(metadata: Record<string, string>, tensors: Record<string, Tensor>): OptimizerStateDict {
  const stored = parseJson('optimizer', metadata.optimizer) as StoredOptimizerState | undefined;
  if (stored === undefined) throw new FormatError('loadCheckpoint: the checkpoint has no optimizer state');
  if (stored === null || typeof stored !== 'object' || !Array.isArray(stored.state)) {
    throw new FormatError('loadCheckpoint: __metadata__.optimizer is not an optimizer state');
  }
  return {
    type: stored.type,
    hyperparams: stored.hyperparams,
    state: stored.state.map((s, i) => {
      if (s === null || typeof s !== 'object' || s.buffers === null || typeof s.buffers !== 'object') {
        throw new FormatError(`loadCheckpoint: optimizer state ${i} is malformed`);
      }
      const buffers: Record<string, { shape: number[]; values: number[] }> = {};
      for (const [name, ref] of Object.entries(s.buffers)) {
        const t =
          typeof ref?.tensor === 'string' && Object.hasOwn(tensors, ref.tensor) ? tensors[ref.tensor] : undefined;
        if (!t) throw new FormatError(`loadCheckpoint: optimizer buffer ${i}.${name} has no tensor in the file`);
        buffers[name] = { shape: [...t.shape], values: Array.from(t.dataSync()) };
      }
      return { step: s.step, buffers };
    }),
  };
}
