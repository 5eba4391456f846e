/**
 * How the calling thread hands work to the pool's workers: one slot of 32-bit words per worker in a small
 * SharedArrayBuffer (not the wasm memory), written by the caller and waited on with Atomics by both sides.
 * The worker code (worker-source.ts) repeats these numbers in its own text.
 */

/** Words per worker slot: a header, then the call's arguments as float64 from ARGS_WORD on. */
export const SLOT_WORDS = 64;
/** Incremented by the caller for each call; -1 tells the worker to exit. */
export const SEQ = 0;
/** Set by the worker to the SEQ it finished. */
export const DONE = 1;
/** 1 once the worker has instantiated the module and waits for calls. */
export const READY = 2;
/** Index into THREAD_FUNCTIONS. */
export const FN = 3;
export const ARGC = 4;
/** 1 when the worker's last call threw (a trap): the caller rethrows. */
export const FAILED = 5;
export const ARGS_WORD = 8;
export const MAX_ARGS = (SLOT_WORDS - ARGS_WORD) / 2;

/** The wasm exports a worker may run, by index. */
export const THREAD_FUNCTIONS = ['gemm', 'conv2d', 'maxPool2x2', 'pool2d'] as const;
export type ThreadFunction = (typeof THREAD_FUNCTIONS)[number];
