/**
 * CI keeps the harness from rotting: the quick benchmark runs in-process (against the packages' src/, through
 * the vitest aliases, so no build is needed) and every cell must have run or say why it cannot; none may fail
 * or disagree. Nothing is asserted about speed.
 */
import { describe, expect, it } from 'vitest';
import { runBench } from './bench';

describe('pnpm bench --quick', () => {
  it('runs every cell, and every result agrees', { timeout: 300_000 }, async () => {
    const report = await runBench({ quick: true });
    expect(report.broken).toEqual([]);
    const ids = report.results.map((r) => r.id);
    expect(ids).toEqual(expect.arrayContaining(['matmul-64', 'train-mlp', 'train-lenet', 'infer-lenet-b1']));
    for (const result of report.results) {
      for (const cell of result.cells) {
        const where = `${result.id} ${cell.library}`;
        if (cell.status === 'unavailable') expect(cell.reason, where).toMatch(/\w/);
        else expect(cell.status, `${where}: ${cell.reason ?? ''}`).toBe('ok');
      }
      const libraries = result.cells.map((c) => c.library);
      expect(libraries).toEqual(expect.arrayContaining(['nn:cpu', 'tfjs:cpu', 'tfjs:wasm', 'convnetjs', 'brain.js']));
    }
    // The wasm backend ships in this repo: it must load (gpu may legitimately be missing).
    expect(Object.keys(report.env.threads).some((label) => label.startsWith('nn:wasm'))).toBe(true);
    // Both training rows (fit and the manual loop) ran on @nn; a cell that finished its epoch shows its accuracy
    // (on a busy machine a cell may train a partial epoch within the 2 s budget, and then says so instead).
    for (const id of ['train-mlp', 'train-mlp-loop']) {
      const nnCpu = report.results.find((r) => r.id === id)!.cells.find((c) => c.library === 'nn:cpu')!;
      expect(nnCpu.status, id).toBe('ok');
      if (nnCpu.facts?.epoch === undefined) expect(nnCpu.facts?.accuracy, id).toMatch(/%$/);
      else expect(nnCpu.facts.accuracy, id).toBe('n/a');
    }
  });
});
