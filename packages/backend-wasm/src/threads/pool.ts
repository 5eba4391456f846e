/**
 * A pool of workers running the same compiled kernels over the backend's shared WebAssembly.Memory.
 *
 * Kernels are synchronous, so a parallel kernel is: write the table of calls, publish it, wake the workers,
 * claim calls on the calling thread too, then wait until every call has finished (spinning briefly, then
 * sleeping with Atomics.wait where the thread may block). A worker that is still starting, asleep or
 * descheduled simply claims fewer calls (none, if the caller is faster), so the calling thread never waits
 * for a worker to begin (in a browser, a worker cannot even start while the page's thread is busy).
 */
import type { KernelExports } from '../module';
import {
  CALL_ARGS_WORD,
  CALL_SCRATCH_ARG,
  CALL_WORDS,
  CALL_WORK_ARG,
  CALLS_WORD,
  CONTROL_WORDS,
  FAILED,
  FINISHED,
  LANE_WORDS,
  LANES_WORD,
  MAX_ARGS,
  MAX_CALLS,
  MAX_LANES,
  NEXT,
  READY,
  SPIN_MICROS,
  STOP,
  THREAD_FUNCTIONS,
  type ThreadFunction,
  WAKE,
} from './protocol';
import { BROWSER_WORKER_SOURCE, claimCalls, NODE_WORKER_SOURCE } from './worker-source';

/** What the pool needs of a Node or browser worker. */
interface WorkerHandle {
  terminate(): unknown;
}

interface NodeWorkerThreads {
  Worker: new (
    source: string,
    options: { eval: true; workerData: unknown },
  ) => WorkerHandle & { unref(): void; on(event: 'error', listener: (error: unknown) => void): void };
}

interface WorkerData {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  control: SharedArrayBuffer;
  lane: number;
}

/** One call of a wasm export. */
export interface ThreadCall {
  fn: ThreadFunction;
  args: readonly number[];
  /** Position of the argument that takes the running thread's GEMM scratch. */
  scratchArg?: number;
  /** Position of the argument that takes the running thread's work buffer. */
  workArg?: number;
}

const SPIN_BEFORE_SLEEP = 2000;

/**
 * How long an idle worker keeps polling for the next kernel before it sleeps (µs). Waking a sleeping worker
 * costs tens of microseconds, which a training step with ~20 parallel kernels pays each time; polling costs
 * an otherwise idle core. Mutable (benchmarks, tests); the pool passes the current value at every run.
 */
export const threadSettings = { spinMicroseconds: 200 };

function nodeWorkerThreads(): NodeWorkerThreads | null {
  const get = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule;
  return typeof get === 'function' ? ((get('node:worker_threads') as NodeWorkerThreads | undefined) ?? null) : null;
}

/** Starts one worker; null where no worker API exists. */
function spawn(data: WorkerData, onError: () => void): WorkerHandle | null {
  const threads = nodeWorkerThreads();
  if (threads) {
    const worker = new threads.Worker(NODE_WORKER_SOURCE, { eval: true, workerData: data });
    // Idle workers must not keep the process alive.
    worker.unref();
    worker.on('error', onError);
    return worker;
  }
  const BrowserWorker = (globalThis as { Worker?: new (url: string) => WorkerHandle & Worker }).Worker;
  if (typeof BrowserWorker !== 'function' || typeof Blob === 'undefined' || typeof URL === 'undefined') return null;
  const url = URL.createObjectURL(new Blob([BROWSER_WORKER_SOURCE], { type: 'text/javascript' }));
  const worker = new BrowserWorker(url);
  worker.addEventListener('error', onError);
  worker.postMessage(data);
  URL.revokeObjectURL(url);
  return worker;
}

/** Whether this thread may block in Atomics.wait (Node's main thread may; a browser page's may not). */
function canBlock(): boolean {
  const g = globalThis as { window?: unknown; document?: unknown };
  return g.window === undefined && g.document === undefined;
}

export class ThreadPool {
  private readonly workers: (WorkerHandle | null)[] = [];
  private readonly words: Int32Array;
  private readonly floats: Float64Array;
  private readonly blocking = canBlock();
  private failedWorkers = 0;
  /** Calls run through the pool so far, and how many of them the workers ran (the rest ran on the calling thread). */
  totalCalls = 0;
  workerCalls = 0;
  private disposed = false;
  private terminated: Promise<void> = Promise.resolve();

  /** Starts `size` workers (the calling thread is one more lane). */
  constructor(
    module: WebAssembly.Module,
    memory: WebAssembly.Memory,
    readonly size: number,
  ) {
    if (size + 1 > MAX_LANES) throw new RangeError(`backend-wasm: at most ${MAX_LANES} threads`);
    const control = new SharedArrayBuffer(CONTROL_WORDS * 4);
    this.words = new Int32Array(control);
    this.floats = new Float64Array(control);
    for (let i = 0; i < size; i++) {
      const worker = spawn({ module, memory, control, lane: i + 1 }, () => {
        this.failedWorkers++;
      });
      if (!worker) this.failedWorkers++;
      this.workers.push(worker);
    }
  }

  /** Workers started and not yet stopped (0 after dispose). */
  get liveWorkers(): number {
    return this.disposed ? 0 : this.workers.length - this.failedWorkers;
  }

  /** Workers ready to claim calls now. */
  get readyWorkers(): number {
    return this.disposed ? 0 : Atomics.load(this.words, READY);
  }

  /**
   * Runs every call (in any order, on any thread) and returns when all are done. `lanes[i]` gives lane i's
   * GEMM scratch and work buffer (lane 0 is the calling thread; one entry per worker after it).
   */
  run(exports: KernelExports, calls: readonly ThreadCall[], lanes: readonly (readonly [number, number])[]): void {
    if (calls.length > MAX_CALLS) throw new RangeError(`backend-wasm: more than ${MAX_CALLS} calls`);
    const { words, floats } = this;
    lanes.forEach(([scratch, work], lane) => {
      floats[(LANES_WORD + lane * LANE_WORDS) / 2] = scratch;
      floats[(LANES_WORD + lane * LANE_WORDS) / 2 + 1] = work;
    });
    calls.forEach((call, i) => {
      if (call.args.length > MAX_ARGS) throw new RangeError(`backend-wasm: ${call.fn} has too many arguments`);
      const at = CALLS_WORD + i * CALL_WORDS;
      words[at] = THREAD_FUNCTIONS.indexOf(call.fn);
      words[at + 1] = call.args.length;
      words[at + CALL_SCRATCH_ARG] = call.scratchArg ?? -1;
      words[at + CALL_WORK_ARG] = call.workArg ?? -1;
      floats.set(call.args, (at + CALL_ARGS_WORD) / 2);
    });
    words[FINISHED] = 0;
    words[FAILED] = 0;
    words[SPIN_MICROS] = threadSettings.spinMicroseconds;
    // Publish the table, then wake: a worker that sees the new WAKE also sees NEXT.
    Atomics.store(words, NEXT, calls.length << 16);
    if (!this.disposed && this.liveWorkers > 0) {
      Atomics.add(words, WAKE, 1);
      Atomics.notify(words, WAKE);
    }
    const fns = THREAD_FUNCTIONS.map((name) => exports[name] as (...args: number[]) => void);
    const ranHere = claimCalls(words, floats, fns, 0);
    this.join(calls.length);
    this.workerCalls += calls.length - ranHere;
    this.totalCalls += calls.length;
    if (Atomics.load(words, FAILED) === 1) throw new Error('backend-wasm: a kernel failed (trapped) in a thread');
  }

  private join(count: number): void {
    for (let i = 0; i < SPIN_BEFORE_SLEEP; i++) if (Atomics.load(this.words, FINISHED) === count) return;
    for (;;) {
      const finished = Atomics.load(this.words, FINISHED);
      if (finished === count) return;
      if (this.blocking) Atomics.wait(this.words, FINISHED, finished, 50);
    }
  }

  /** Stops every worker (idempotent); resolves when they have exited. */
  dispose(): Promise<void> {
    if (!this.disposed) {
      this.disposed = true;
      Atomics.store(this.words, STOP, 1);
      Atomics.add(this.words, WAKE, 1);
      Atomics.notify(this.words, WAKE);
      const exits = this.workers.map((worker) => Promise.resolve(worker?.terminate()).then(() => undefined));
      this.terminated = Promise.all(exits).then(() => undefined);
    }
    return this.terminated;
  }
}
