/**
 * How a parallel kernel is shared out: the calling thread writes a table of calls (wasm export + arguments)
 * into a small SharedArrayBuffer (not the wasm memory) and publishes it; every thread, the caller included,
 * then claims calls one at a time with a compare-and-swap on NEXT until none are left. Claiming (rather than
 * a fixed share per thread) keeps a busy machine from stalling the kernel on a descheduled worker: whoever
 * runs, takes the next call. The worker code (worker-source.ts) repeats these numbers in its own text.
 */

/** Bumped by the caller to wake sleeping workers. */
export const WAKE = 0;
/** 1 tells the workers to exit. */
export const STOP = 1;
/** (calls << 16) | next call to claim: one word, so a claim is one compare-and-swap. */
export const NEXT = 2;
/** Calls finished in the current table. */
export const FINISHED = 3;
/** 1 when a call of the current table threw (a trap): the caller rethrows. */
export const FAILED = 4;
/** Workers that have instantiated the module and wait for calls. */
export const READY = 5;
/** How long (µs) an idle worker polls for the next table before it sleeps in Atomics.wait. */
export const SPIN_MICROS = 6;

/** Per lane (0 = calling thread, 1 + i = worker i): its GEMM scratch and work buffer, as float64. */
export const LANES_WORD = 64;
export const LANE_WORDS = 4;
export const MAX_LANES = 48;

/**
 * The call table: per call its function index, argument count, the positions of the arguments that take the
 * running lane's scratch and work buffer (-1: none), then float64 arguments.
 */
export const CALLS_WORD = LANES_WORD + MAX_LANES * LANE_WORDS;
export const CALL_WORDS = 48;
export const CALL_SCRATCH_ARG = 2;
export const CALL_WORK_ARG = 3;
export const CALL_ARGS_WORD = 4;
export const MAX_ARGS = (CALL_WORDS - CALL_ARGS_WORD) / 2;
export const MAX_CALLS = 256;
export const CONTROL_WORDS = CALLS_WORD + MAX_CALLS * CALL_WORDS;

/** The wasm exports a worker may run, by index. */
export const THREAD_FUNCTIONS = [
  'gemm',
  'conv2d',
  'conv2dBackpropFilter',
  'conv2dBackpropInput',
  'directConv2d',
  'directConv2dBackpropFilter',
  'directConv2dBackpropInput',
  'directConv2dBackpropInputScatter',
  'maxPool2x2',
  'pool2d',
  'binaryRun',
  'binaryRunInt',
  'unary',
  'whereRun',
  'adamUpdate',
  'sgdUpdate',
  'reluBackward',
  'attention',
  'attentionBackward',
  'layerNorm',
  'layerNormBackward',
  'binaryRows',
  'geluBackward',
] as const;
export type ThreadFunction = (typeof THREAD_FUNCTIONS)[number];
