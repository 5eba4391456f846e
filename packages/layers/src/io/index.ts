/**
 * Saving and loading: safetensors and whole models as bytes (anywhere) or files (paths: Node only, through the
 * `node` entry), and training checkpoints. Every file write is atomic.
 */
export {
  type CheckpointContents,
  type LoadCheckpointOptions,
  type LoadedCheckpoint,
  loadCheckpoint,
  saveCheckpoint,
} from './checkpoint';
export { loadModel, loadSafetensors, saveModel, saveSafetensors } from './model';
export { deserializeModel, type ModelJson, type SaveModelOptions, serializeModel } from './model-format';
export {
  parseSafetensors,
  parseSafetensorsFile,
  type SafetensorsContents,
  safetensorsChunks,
  serializeSafetensors,
} from './safetensors';
