/**
 * A pool of workers running the same compiled kernels over the backend's shared WebAssembly.Memory.
 *
 * Kernels are synchronous, so a parallel kernel is: write each worker's call into its slot and wake it, run
 * the first share on the calling thread, then wait for the workers' DONE words (spinning briefly, then
 * sleeping with Atomics.wait where the thread may block). Workers that have not finished starting are
 * simply not used yet, so the calling thread never waits on a worker's start-up (in a browser, a worker
 * cannot even start while the page's thread is busy).
 */
import type { KernelExports } from '../module';
import {
  ARGC,
  ARGS_WORD,
  DONE,
  FAILED,
  FN,
  MAX_ARGS,
  READY,
  SEQ,
  SLOT_WORDS,
  THREAD_FUNCTIONS,
  type ThreadFunction,
} from './protocol';
import { BROWSER_WORKER_SOURCE, NODE_WORKER_SOURCE } from './worker-source';

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
  index: number;
}

/** One call of a wasm export: its name and numeric arguments. */
export interface ThreadCall {
  fn: ThreadFunction;
  args: readonly number[];
}

const SPIN_BEFORE_SLEEP = 50000;

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
  private readonly broken: boolean[] = [];
  private readonly words: Int32Array;
  private readonly floats: Float64Array;
  private readonly blocking = canBlock();
  private seq = 0;
  private disposed = false;
  private terminated: Promise<void> = Promise.resolve();

  /** Starts `size` workers (the calling thread is one more lane). */
  constructor(
    module: WebAssembly.Module,
    memory: WebAssembly.Memory,
    readonly size: number,
  ) {
    const control = new SharedArrayBuffer(Math.max(1, size) * SLOT_WORDS * 4);
    this.words = new Int32Array(control);
    this.floats = new Float64Array(control);
    for (let index = 0; index < size; index++) {
      this.broken.push(false);
      const worker = spawn({ module, memory, control, index }, () => {
        this.broken[index] = true;
      });
      this.workers.push(worker);
      if (!worker) this.broken[index] = true;
    }
  }

  /** Indices of the workers ready to take calls now. */
  private ready(): number[] {
    const ready: number[] = [];
    for (let i = 0; i < this.workers.length; i++) {
      if (!this.broken[i] && Atomics.load(this.words, i * SLOT_WORDS + READY) === 1) ready.push(i);
    }
    return ready;
  }

  /** Lanes available right now: the calling thread plus the workers that finished starting. */
  lanes(): number {
    return this.disposed ? 1 : 1 + this.ready().length;
  }

  /**
   * Runs calls[0] here and the others on ready workers, returning when all are done. Pass at most lanes()
   * calls; extra calls (workers not ready) run here too.
   */
  run(exports: KernelExports, calls: readonly ThreadCall[]): void {
    const ready = this.disposed ? [] : this.ready();
    const dispatched: number[] = [];
    const local: ThreadCall[] = [];
    const seq = ++this.seq;
    calls.forEach((call, i) => {
      const worker = i === 0 ? undefined : ready[i - 1];
      if (worker === undefined) {
        local.push(call);
        return;
      }
      if (call.args.length > MAX_ARGS) throw new RangeError(`backend-wasm: ${call.fn} has too many arguments`);
      const base = worker * SLOT_WORDS;
      this.words[base + FN] = THREAD_FUNCTIONS.indexOf(call.fn);
      this.words[base + ARGC] = call.args.length;
      this.floats.set(call.args, (base + ARGS_WORD) / 2);
      Atomics.store(this.words, base + SEQ, seq);
      Atomics.notify(this.words, base + SEQ);
      dispatched.push(worker);
    });
    let error: unknown = null;
    for (const call of local) {
      try {
        (exports[call.fn] as (...args: number[]) => void)(...call.args);
      } catch (e) {
        error ??= e;
      }
    }
    let failed = false;
    for (const worker of dispatched) {
      this.join(worker, seq);
      failed ||= this.words[worker * SLOT_WORDS + FAILED] === 1;
    }
    if (error) throw error;
    if (failed) throw new Error('backend-wasm: a kernel failed in a worker thread');
  }

  private join(worker: number, seq: number): void {
    const at = worker * SLOT_WORDS + DONE;
    for (let i = 0; i < SPIN_BEFORE_SLEEP; i++) if (Atomics.load(this.words, at) === seq) return;
    for (;;) {
      const done = Atomics.load(this.words, at);
      if (done === seq) return;
      if (this.blocking) Atomics.wait(this.words, at, done, 100);
    }
  }

  /** Stops every worker (idempotent); resolves when they have exited. */
  dispose(): Promise<void> {
    if (!this.disposed) {
      this.disposed = true;
      const exits = this.workers.map((worker, i) => {
        Atomics.store(this.words, i * SLOT_WORDS + SEQ, -1);
        Atomics.notify(this.words, i * SLOT_WORDS + SEQ);
        return Promise.resolve(worker?.terminate()).then(() => undefined);
      });
      this.terminated = Promise.all(exits).then(() => undefined);
    }
    return this.terminated;
  }

  /** Workers started and not yet stopped (0 after dispose). */
  get liveWorkers(): number {
    return this.disposed ? 0 : this.workers.filter((w, i) => w !== null && !this.broken[i]).length;
  }
}
