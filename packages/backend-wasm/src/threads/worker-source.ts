/**
 * The worker's program, as text: Node runs it with `new Worker(source, { eval: true })`, browsers from a
 * Blob URL, so no worker file has to be found at run time (bundlers, CDNs, CJS and ESM alike). It receives
 * the compiled module, the shared memory and the control buffer, instantiates the kernels over that memory,
 * then sleeps until woken and claims calls from the table until none are left (see protocol.ts, whose
 * numbers it embeds). `claimCalls` is the same loop the calling thread runs.
 */
import * as protocol from './protocol';

/** Claims and runs calls until the table is exhausted, returning how many it ran; plain JS, embedded in the worker too. */
export function claimCalls(
  words: Int32Array,
  floats: Float64Array,
  fns: readonly ((...args: number[]) => void)[],
  lane: number,
): number {
  const P = {
    NEXT: 2,
    FINISHED: 3,
    FAILED: 4,
    LANES_WORD: 64,
    LANE_WORDS: 4,
    CALLS_WORD: 256,
    CALL_WORDS: 48,
    CALL_ARGS_WORD: 4,
  };
  const laneAt = (P.LANES_WORD + lane * P.LANE_WORDS) / 2;
  const args: number[] = [];
  let ran = 0;
  for (; ; ran++) {
    const next = Atomics.load(words, P.NEXT);
    const index = next & 0xffff;
    const count = next >>> 16;
    if (index >= count) return ran;
    if (Atomics.compareExchange(words, P.NEXT, next, next + 1) !== next) {
      ran--;
      continue;
    }
    const call = P.CALLS_WORD + index * P.CALL_WORDS;
    const argc = words[call + 1]!;
    const first = (call + P.CALL_ARGS_WORD) / 2;
    args.length = argc;
    for (let i = 0; i < argc; i++) args[i] = floats[first + i]!;
    // The arguments that take this lane's GEMM scratch and work buffer.
    const scratchArg = words[call + 2]!;
    const workArg = words[call + 3]!;
    if (scratchArg >= 0) args[scratchArg] = floats[laneAt]!;
    if (workArg >= 0) args[workArg] = floats[laneAt + 1]!;
    try {
      fns[words[call]!]!(...args);
    } catch {
      Atomics.store(words, P.FAILED, 1);
    }
    if (Atomics.add(words, P.FINISHED, 1) + 1 === count) Atomics.notify(words, P.FINISHED);
  }
}

// The constants claimCalls hard-codes must match protocol.ts (checked when this module loads).
const expected = [protocol.NEXT, protocol.FINISHED, protocol.FAILED, protocol.LANES_WORD, protocol.LANE_WORDS];
const embedded = [2, 3, 4, 64, 4];
const more = [protocol.CALLS_WORD, protocol.CALL_WORDS, protocol.CALL_SCRATCH_ARG, protocol.CALL_WORK_ARG];
if (
  expected.some((v, i) => v !== embedded[i]) ||
  more.some((v, i) => v !== [256, 48, 2, 3][i]) ||
  protocol.CALL_ARGS_WORD !== 4
) {
  throw new Error('backend-wasm: worker-source.ts and protocol.ts disagree');
}

const body = `
'use strict';
const WAKE = ${protocol.WAKE}, STOP = ${protocol.STOP}, READY = ${protocol.READY};
const SPIN_MICROS = ${protocol.SPIN_MICROS};
const NAMES = ${JSON.stringify(protocol.THREAD_FUNCTIONS)};
const claimCalls = ${claimCalls.toString()};
function start(data) {
  const abort = () => { throw new Error('backend-wasm: a kernel aborted in a worker'); };
  const instance = new WebAssembly.Instance(data.module, { env: { memory: data.memory, abort } });
  const fns = NAMES.map((name) => instance.exports[name]);
  const words = new Int32Array(data.control);
  const floats = new Float64Array(data.control);
  let seen = Atomics.load(words, WAKE);
  Atomics.add(words, READY, 1);
  for (;;) {
    if (Atomics.load(words, STOP) === 1) return;
    claimCalls(words, floats, fns, data.lane);
    // Polls before sleeping: in a training step the next parallel kernel usually comes within tens of
    // microseconds, and waking from Atomics.wait costs about as much again.
    let wake = Atomics.load(words, WAKE);
    if (wake === seen) {
      const until = performance.now() + Atomics.load(words, SPIN_MICROS) / 1000;
      do {
        for (let i = 0; wake === seen && i < 256; i++) wake = Atomics.load(words, WAKE);
      } while (wake === seen && performance.now() < until);
    }
    if (wake === seen) Atomics.wait(words, WAKE, seen);
    seen = Atomics.load(words, WAKE);
  }
}
`;

/** For Node's worker_threads (`eval: true`, CommonJS): the data arrives as workerData. */
export const NODE_WORKER_SOURCE = `${body}\nstart(require('node:worker_threads').workerData);\n`;

/** For a browser Worker (Blob URL): the data arrives as the first message. */
export const BROWSER_WORKER_SOURCE = `${body}\nself.onmessage = (event) => { self.onmessage = null; start(event.data); };\n`;
