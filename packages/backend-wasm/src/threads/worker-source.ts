/**
 * The worker's program, as text: Node runs it with `new Worker(source, { eval: true })`, browsers from a
 * Blob URL, so no worker file has to be found at run time (bundlers, CDNs, CJS and ESM alike). It receives
 * the compiled module, the shared memory and the control buffer, instantiates the kernels over that memory
 * and then loops: wait for its slot's SEQ to change, run the named export with the slot's arguments, publish
 * DONE. Numbers mirror protocol.ts.
 */
import { ARGC, ARGS_WORD, DONE, FAILED, FN, READY, SEQ, SLOT_WORDS, THREAD_FUNCTIONS } from './protocol';

const body = `
'use strict';
const SLOT_WORDS = ${SLOT_WORDS}, SEQ = ${SEQ}, DONE = ${DONE}, READY = ${READY}, FN = ${FN}, ARGC = ${ARGC};
const FAILED = ${FAILED}, ARGS_WORD = ${ARGS_WORD};
const NAMES = ${JSON.stringify(THREAD_FUNCTIONS)};
// Polls before sleeping: the next kernel of a training step usually comes within microseconds.
const SPIN = 20000;
function start(data) {
  const abort = () => { throw new Error('backend-wasm: a kernel aborted in a worker'); };
  const instance = new WebAssembly.Instance(data.module, { env: { memory: data.memory, abort } });
  const fns = NAMES.map((name) => instance.exports[name]);
  const words = new Int32Array(data.control);
  const floats = new Float64Array(data.control);
  const base = data.index * SLOT_WORDS;
  const args = [];
  let seen = Atomics.load(words, base + SEQ);
  Atomics.store(words, base + READY, 1);
  for (;;) {
    let seq = Atomics.load(words, base + SEQ);
    for (let i = 0; seq === seen && i < SPIN; i++) seq = Atomics.load(words, base + SEQ);
    if (seq === seen) {
      Atomics.wait(words, base + SEQ, seen);
      continue;
    }
    seen = seq;
    if (seq < 0) return;
    const argc = words[base + ARGC];
    args.length = argc;
    for (let i = 0; i < argc; i++) args[i] = floats[(base + ARGS_WORD) / 2 + i];
    let failed = 0;
    try {
      fns[words[base + FN]](...args);
    } catch (error) {
      failed = 1;
    }
    words[base + FAILED] = failed;
    Atomics.store(words, base + DONE, seq);
    Atomics.notify(words, base + DONE);
  }
}
`;

/** For Node's worker_threads (`eval: true`, CommonJS): the data arrives as workerData. */
export const NODE_WORKER_SOURCE = `${body}\nstart(require('node:worker_threads').workerData);\n`;

/** For a browser Worker (Blob URL): the data arrives as the first message. */
export const BROWSER_WORKER_SOURCE = `${body}\nself.onmessage = (event) => { self.onmessage = null; start(event.data); };\n`;
