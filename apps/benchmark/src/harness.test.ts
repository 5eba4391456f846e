import { describe, expect, it } from 'vitest';
import { maxRelativeError, median, runWorkload, unitValue, type Workload } from './harness';
import { markdownReport, ratioChart, ratios } from './report';

const timing = { warmup: 1, repetitions: 3, maxSecondsPerCell: 10 };

describe('harness', () => {
  it('computes medians and relative errors', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(maxRelativeError([1, 2], [1, 2.5])).toBeCloseTo(0.5 / 3.5);
    expect(maxRelativeError([1], [1, 2])).toBe(Number.POSITIVE_INFINITY);
    expect(maxRelativeError([Number.NaN], [1])).toBe(Number.POSITIVE_INFINITY);
    expect(unitValue({ unit: 'GFLOP/s', workPerRun: 2e9 }, 0.5)).toBe(4);
    expect(unitValue({ unit: 'ms', workPerRun: 1 }, 0.25)).toBe(250);
  });

  it('times every available cell, flags disagreement and failures, and keeps unavailable reasons', async () => {
    let runs = 0;
    const workload: Workload = {
      id: 'w',
      title: 'w',
      unit: 'samples/s',
      workPerRun: 10,
      cells: {
        'nn:cpu': async () => ({ run: () => void runs++, output: () => [1, 2, 3] }),
        peerA: async () => ({ run: () => undefined, output: () => [1, 2, 3.0001] }),
        peerB: async () => ({ run: () => undefined, output: () => [1, 2, 4] }),
        peerC: async () => {
          throw new Error('no such op');
        },
        peerD: { unavailable: 'not supported' },
        peerE: async () => ({ skipped: 'too slow: 1 forward pass took 20 s' }),
      },
    };
    const result = await runWorkload(workload, timing);
    const status = Object.fromEntries(result.cells.map((c) => [c.library, c.status]));
    expect(status).toEqual({
      'nn:cpu': 'ok',
      peerA: 'ok',
      peerB: 'disagrees',
      peerC: 'failed',
      peerD: 'unavailable',
      peerE: 'skipped',
    });
    expect(runs).toBe(1 + 3);
    expect(result.cells[0]!.times).toHaveLength(3);
    const rs = ratios([result]);
    expect(rs.map((r) => r.peer)).toEqual(['peerA']);
    expect(
      markdownReport({ date: 'd', cpu: 'c', cores: 2, node: 'v20', platform: 'linux', threads: {}, quick: true }, [
        result,
      ]),
    ).toContain('unavailable: not supported');
    const table = markdownReport(
      { date: 'd', cpu: 'c', cores: 2, node: 'v20', platform: 'linux', threads: {}, quick: false },
      [result],
    );
    expect(table).toContain('| skipped |');
    expect(table).toContain('peerE: skipped: too slow: 1 forward pass took 20 s');
    expect(ratioChart(rs)).toContain('<svg');
  });

  it("honours per-workload warm-up/repetitions, a cell's own work, and keeps beforeRun out of the timing", async () => {
    let prepared = 0;
    let runs = 0;
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    const workload: Workload = {
      id: 'epoch',
      title: 'epoch',
      unit: 'samples/s',
      workPerRun: 1000,
      warmup: 0,
      repetitions: 1,
      cells: {
        'nn:cpu': async () => ({
          beforeRun: async () => {
            prepared++;
            await sleep(60);
          },
          run: () => void runs++,
        }),
        slowPeer: async () => ({ run: () => undefined, workPerRun: 64, facts: () => ({ epoch: 'partial' }) }),
      },
    };
    const result = await runWorkload(workload, timing);
    expect(runs).toBe(1);
    expect(prepared).toBe(1);
    expect(result.cells[0]!.times).toHaveLength(1);
    expect(result.cells[0]!.median!).toBeLessThan(0.05);
    expect(result.cells[1]!.workPerRun).toBe(64);
    const md = markdownReport(
      { date: 'd', cpu: 'c', cores: 2, node: 'v20', platform: 'linux', threads: {}, quick: true },
      [result],
    );
    expect(md).toContain('partial');
  });
});
