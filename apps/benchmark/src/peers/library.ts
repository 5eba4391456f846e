/**
 * What the model workloads (training, inference) need from a library: build a model from the shared initial
 * weights, train one batch, predict logits. One adapter per library wraps its loosely typed API.
 */
import type { ModelKind, Split, Weights } from '../models';

/** Adam as issue 8 fixes it for every library. */
export const ADAM = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8 } as const;

/** A model of one library, initialised from the shared weights, with its optimizer. */
export interface LibraryModel {
  /** One optimizer step on training samples [start, start + count); returns the batch's mean loss, read back. */
  trainBatch(start: number, count: number): Promise<number> | number;
  /**
   * One epoch over samples [0, samples) in order, batches of `batchSize`, the way the library's users train
   * (@nn: `fit`; PyTorch: its loop in one request); returns the epoch's mean batch loss. Without it the workload
   * calls `trainBatch` in a loop.
   */
  trainEpoch?(samples: number, batchSize: number): Promise<number>;
  /** Logits [count, 10], flat and read back, for samples [start, start + count) of `images` (flat NCHW pixels). */
  predict(images: Float32Array, start: number, count: number): Promise<Float32Array> | Float32Array;
  dispose(): void;
}

export type Task = 'train' | 'infer';

/** Counts of kernels that fell back to the CPU during one run, e.g. 'none' or 'MatMul×3'. */
export interface FallbackProbe {
  reset(): void;
  read(): string;
}

export interface Library {
  /** Row label: 'nn:wasm', 'tfjs:cpu', 'convnetjs', ... */
  label: string;
  /** Why the library cannot do this task on this model, or null when it can. */
  unavailable(kind: ModelKind, task: Task): string | null;
  /** How the library's run differs from the reference work (shown as the cell's `note`), if it does. */
  note?(kind: ModelKind, task: Task): string | undefined;
  /** False when the library's training loss is not softmax cross-entropy (no initial-loss agreement check). */
  crossEntropyLoss: boolean;
  /** Untimed set-up before every timed run (backend and thread count). */
  prepare?(): Promise<void>;
  /** Builds the model from `weights`; `train` is the data `trainBatch` reads. */
  createModel(kind: ModelKind, weights: Weights, train: Split): Promise<LibraryModel>;
  /** Present for @nn backends other than cpu: the CPU fallback calls per run. */
  fallback?: FallbackProbe;
}
