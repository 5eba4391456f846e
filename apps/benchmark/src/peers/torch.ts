/**
 * PyTorch as a peer (`torch:1t`, `torch:2t`): Debian's python3-torch driven through `torch/worker.py`, one
 * process per thread count, from the same initial weights and data as every other library. A training epoch runs
 * as one request (PyTorch's own loop, timed without a message per batch), so the process boundary costs one
 * round trip per epoch. Present only when `/usr/bin/python3 -c "import torch"` works and its 512x512 matmul
 * reaches MIN_BLAS_GFLOPS (reference BLAS runs ~5 GFLOP/s and would make every ratio meaningless).
 */
import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { MODEL_PARAMS, SAMPLE_SHAPE, SAMPLE_SIZE, weight } from '../models';
import type { Library } from './library';

export const PYTHON = '/usr/bin/python3';
/** Below this a 512x512 float32 matmul means an unoptimised BLAS (OpenBLAS reaches ~290 on 2 cores here). */
export const MIN_BLAS_GFLOPS = 60;
const WORKER = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'torch', 'worker.py');

type Reply = Record<string, unknown> & { ok: boolean; error?: string };

/** One worker process: requests answered in order, one JSON line each. */
class Worker {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly pending: ((reply: Reply) => void)[] = [];
  private stderr = '';

  constructor(threads: number) {
    this.child = spawn(PYTHON, [WORKER, String(threads)], { stdio: 'pipe' });
    this.child.stderr.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString()).slice(-2000);
    });
    createInterface({ input: this.child.stdout }).on('line', (line) => this.pending.shift()?.(JSON.parse(line)));
    this.child.on('exit', (code) => {
      for (const resolve of this.pending.splice(0))
        resolve({ ok: false, error: `torch worker exited (${code}): ${this.stderr}` });
    });
  }

  async request(cmd: string, body: Record<string, unknown> = {}): Promise<Reply> {
    const reply = await new Promise<Reply>((resolve) => {
      this.pending.push(resolve);
      this.child.stdin.write(`${JSON.stringify({ cmd, ...body })}\n`);
    });
    if (!reply.ok) throw new Error(`torch ${cmd}: ${reply.error}`);
    return reply;
  }

  close(): void {
    this.child.stdin.end();
  }
}

/** Why PyTorch cannot be a peer here, or null when `import torch` works. */
export function torchMissing(): string | null {
  const probe = spawnSync(PYTHON, ['-c', 'import torch, numpy'], { encoding: 'utf8' });
  if (probe.error) return `${PYTHON} not found (install Debian's python3-torch and libopenblas0-pthread)`;
  if (probe.status !== 0) return `${PYTHON} cannot import torch: ${probe.stderr.trim().split('\n').pop()}`;
  return null;
}

export interface TorchPeer {
  label: string;
  threads: number;
  worker: Worker;
}

/**
 * Starts one worker per thread count and checks the BLAS on the first. Returns no peers (and logs why) when
 * torch is missing; throws when its BLAS is too slow to be a fair reference, unless `checkBlas` is false (a
 * --quick run checks agreement, never speed: it only logs the figure).
 */
export async function loadTorchPeers(
  log: (line: string) => void,
  threadCounts: readonly number[],
  checkBlas: boolean,
): Promise<TorchPeer[]> {
  const missing = torchMissing();
  if (missing) {
    log(`  torch: skipped (${missing})`);
    return [];
  }
  const peers = threadCounts.map((threads) => ({ label: `torch:${threads}t`, threads, worker: new Worker(threads) }));
  const check = await peers[0]!.worker.request('blas');
  const gflops = Number(check.gflops);
  if (checkBlas && !(gflops >= MIN_BLAS_GFLOPS)) {
    for (const peer of peers) peer.worker.close();
    throw new Error(
      `torch ${check.version}: a 512x512 float32 matmul ran at ${gflops.toFixed(1)} GFLOP/s on 1 thread, below ` +
        `${MIN_BLAS_GFLOPS}: PyTorch is using an unoptimised BLAS (install libopenblas0-pthread) or the machine ` +
        'is busy; its numbers would not be a fair reference. Run without torch: --no-torch.',
    );
  }
  log(`  torch ${check.version}: 512x512 matmul ${gflops.toFixed(0)} GFLOP/s on 1 thread`);
  return peers;
}

export function closeTorchPeers(peers: readonly TorchPeer[]): void {
  for (const peer of peers) peer.worker.close();
}

/** A PyTorch worker as a benchmark library (training only: see `unavailable`). */
export function torchLibrary(peer: TorchPeer): Library {
  const { worker } = peer;
  return {
    label: peer.label,
    crossEntropyLoss: true,
    unavailable: (_kind, task) =>
      task === 'infer'
        ? 'inference is timed per call, and a call to another process would time the pipe, not PyTorch'
        : null,
    note: () => 'PyTorch 1.13, its own training loop (zero_grad, forward, backward, step, loss.item())',
    createModel: async (kind, weights, train) => {
      const dir = mkdtempSync(join(tmpdir(), 'nn-bench-torch-'));
      const files: Record<string, [string, readonly number[]]> = {};
      for (const spec of MODEL_PARAMS[kind]) {
        const path = join(dir, `${spec.name}.f32`);
        writeFileSync(path, weight(weights, spec.name));
        files[spec.name] = [path, spec.shape];
      }
      writeFileSync(join(dir, 'images.f32'), train.images);
      writeFileSync(join(dir, 'labels.i32'), train.labels);
      await worker.request('create', {
        kind,
        weights: files,
        sampleShape: SAMPLE_SHAPE[kind],
        images: join(dir, 'images.f32'),
        labels: join(dir, 'labels.i32'),
        count: train.count,
      });
      let predictImages: Float32Array | null = null;
      return {
        trainBatch: async (start, count) => Number((await worker.request('train', { start, count })).loss),
        trainEpoch: async (samples, batch) => Number((await worker.request('epoch', { samples, batch })).meanLoss),
        predict: async (images, start, count) => {
          if (images !== predictImages) {
            writeFileSync(join(dir, 'predict.f32'), images);
            predictImages = images;
          }
          const out = join(dir, 'logits.f32');
          await worker.request('predict', {
            images: join(dir, 'predict.f32'),
            total: images.length / SAMPLE_SIZE,
            start,
            count,
            out,
          });
          const bytes = readFileSync(out);
          return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
        },
        dispose: () => rmSync(dir, { recursive: true, force: true }),
      };
    },
  };
}
