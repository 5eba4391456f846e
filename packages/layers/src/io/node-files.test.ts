import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as realFs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tensor } from '@nn/tensor';
import { describe, expect, it, vi } from 'vitest';
import { Linear, ReLU, Sequential } from '../layers';
import type { Module } from '../module';
import { setFileAccess } from './files';
import { loadModel, saveModel, saveSafetensors } from './model';
import { type NodeFs, nodeFileAccess } from './node-files';

const tempDir = () => mkdtempSync(join(tmpdir(), 'nn-files-'));
const fingerprint = (m: Module) => JSON.stringify(Object.values(m.stateDict()).map((t) => Array.from(t.dataSync())));

/** The pid of a process that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

describe('atomic writes', () => {
  it('a write whose data fails midway leaves the old file intact and no temporary file behind', async () => {
    const dir = tempDir();
    const path = join(dir, 'weights.safetensors');
    await saveSafetensors({ w: tensor([1, 2, 3]) }, path);
    const good = readFileSync(path);
    function* failing() {
      yield new Uint8Array(1000).fill(7);
      throw new Error('disk on fire');
    }
    await expect(nodeFileAccess().writeAtomic(path, failing())).rejects.toThrow('disk on fire');
    expect(readFileSync(path)).toEqual(good);
    expect(readdirSync(dir)).toEqual(['weights.safetensors']);
  });

  it('saveSafetensors whose serialization throws after the header keeps the old file', async () => {
    const dir = tempDir();
    const path = join(dir, 'weights.safetensors');
    await saveSafetensors({ a: tensor([1]), b: tensor([2]) }, path);
    const good = readFileSync(path);
    const b = tensor([5]);
    vi.spyOn(b, 'dataSync').mockImplementation(() => {
      throw new Error('read failed');
    });
    await expect(saveSafetensors({ a: tensor([4]), b }, path)).rejects.toThrow('read failed');
    expect(readFileSync(path)).toEqual(good);
    expect(readdirSync(dir)).toEqual(['weights.safetensors']);
  });

  it('the next successful save removes stale temporaries of its own files, and nothing else', async () => {
    const dir = tempDir();
    await saveModel(new Sequential(new Linear(2, 2)), dir);
    const dead = deadPid();
    const stale = [
      `.model.safetensors.${dead}.k2j4h5.tmp`, // a writer killed mid-save
      `.model.json.${dead}.a1.tmp`,
      `.model.safetensors.${process.pid}.zz9.tmp`, // an earlier process with this pid (not being written now)
    ];
    const kept = [
      `.model.safetensors.${process.ppid}.live1.tmp`, // its writer (our parent) is still running
      `.weights.safetensors.${dead}.k2j4h5.tmp`, // another target's temporary: not this save's business
      `model.safetensors.${dead}.k2j4h5.tmp`, // no leading dot: not our pattern
      `.model.safetensors.${dead}.k2j4h5.tmp.bak`,
      `.model.safetensors.${dead}.K2J4H5.tmp`,
      `.model.safetensors.tmp`,
      '.model.safetensors.x.y.tmp',
      'notes.txt',
      'model.safetensors.bak',
    ];
    for (const name of [...stale, ...kept]) writeFileSync(join(dir, name), 'x');
    mkdirSync(join(dir, `.model.json.${dead}.dir.tmp`)); // a directory with a matching name is left alone too
    await saveModel(new Sequential(new Linear(2, 3)), dir);
    expect(readdirSync(dir).sort()).toEqual(
      [...kept, `.model.json.${dead}.dir.tmp`, 'model.json', 'model.safetensors'].sort(),
    );
  });
});

/**
 * A node:fs/promises whose operations (file handles' included) stop after `budget` of them: the call that would
 * exceed it never settles, and neither does anything after it, as in a process frozen (or killed) right there.
 */
function freezingFs(budget: number): { fs: NodeFs; used: () => number } {
  let used = 0;
  const step = <T>(run: () => Promise<T>): Promise<T> => (used++ < budget ? run() : new Promise<T>(() => undefined));
  const handle = (h: realFs.FileHandle) =>
    ({
      write: (...args: Parameters<realFs.FileHandle['write']>) => step(() => h.write(...args)),
      sync: () => step(() => h.sync()),
      close: () => step(() => h.close()),
    }) as unknown as realFs.FileHandle;
  const fs = {
    mkdir: (...args: Parameters<typeof realFs.mkdir>) => step(() => realFs.mkdir(...args)),
    open: (...args: Parameters<typeof realFs.open>) => step(() => realFs.open(...args).then(handle)),
    readdir: (...args: Parameters<typeof realFs.readdir>) => step(() => realFs.readdir(...args)),
    readFile: (...args: Parameters<typeof realFs.readFile>) => step(() => realFs.readFile(...args)),
    rename: (...args: Parameters<typeof realFs.rename>) => step(() => realFs.rename(...args)),
    rm: (...args: Parameters<typeof realFs.rm>) => step(() => realFs.rm(...args)),
  } as NodeFs;
  return { fs, used: () => used };
}

describe('saveModel stopped after every file operation', () => {
  const before = new Sequential(new Linear(3, 4), new ReLU(), new Linear(4, 2));
  const after = new Sequential(new Linear(3, 5), new ReLU(), new Linear(5, 2));

  /** Stops a save over `dir` after each operation in turn; the directory must load as `before` or `after`. */
  async function everyStop(makeDir: () => Promise<string>, old: string): Promise<string[]> {
    const seen: string[] = [];
    for (let budget = 0; ; budget++) {
      const dir = await makeDir();
      const { fs, used } = freezingFs(budget);
      const real = setFileAccess(nodeFileAccess(fs));
      const save = saveModel(after, dir);
      setFileAccess(real);
      const finished = await Promise.race([save.then(() => true), new Promise((r) => setTimeout(r, 50, false))]);
      const loaded = fingerprint(await loadModel(dir));
      seen.push(loaded === old ? 'before' : loaded === fingerprint(after) ? 'after' : 'neither');
      if (finished && used() <= budget) return seen;
    }
  }

  it('over a model it saved: every stop leaves the old model or the new one, nothing else', async () => {
    const seen = await everyStop(async () => {
      const dir = tempDir();
      await saveModel(before, dir);
      return dir;
    }, fingerprint(before));
    expect(seen).not.toContain('neither');
    // The stops went from "nothing committed" to "all committed", through the commit of model.safetensors.
    expect(seen[0]).toBe('before');
    expect(seen.at(-1)).toBe('after');
    expect(seen.length).toBeGreaterThan(10);
  });

  it('over a model written by 0.1 (model.json + model.safetensors): the same', async () => {
    const fixture = new URL('./fixtures/model-0.1', import.meta.url).pathname;
    const old = fingerprint(await loadModel(fixture));
    const seen = await everyStop(async () => {
      const dir = tempDir();
      cpSync(fixture, dir, { recursive: true });
      return dir;
    }, old);
    expect(seen).not.toContain('neither');
    expect(seen[0]).toBe('before');
    expect(seen.at(-1)).toBe('after');
  });
});
