/**
 * Saving and loading: safetensors (pure byte functions for the browser, file paths in Node), whole
 * models (`model.json` + `model.safetensors`) and training checkpoints. Every file write is atomic.
 */
export {
  type CheckpointContents,
  type LoadCheckpointOptions,
  type LoadedCheckpoint,
  loadCheckpoint,
  saveCheckpoint,
} from './checkpoint';
export { loadModel, loadSafetensors, type ModelJson, type SaveModelOptions, saveModel, saveSafetensors } from './model';
export {
  parseSafetensors,
  parseSafetensorsFile,
  type SafetensorsContents,
  safetensorsChunks,
  serializeSafetensors,
} from './safetensors';
