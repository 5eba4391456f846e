/**
 * headless-gl needs an X display. vitest does not run under xvfb-run, so the tests start their own Xvfb when
 * DISPLAY is unset (and the binary exists) and stop it afterwards.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export interface Display {
  display: string | null;
  /** Why no display is available (null when there is one). */
  reason: string | null;
  stop(): void;
}

export async function ensureDisplay(): Promise<Display> {
  if (process.env.DISPLAY) return { display: process.env.DISPLAY, reason: null, stop: () => undefined };
  if (spawnSync('sh', ['-c', 'command -v Xvfb'], { encoding: 'utf8' }).status !== 0) {
    return { display: null, reason: 'Xvfb is not installed (apt-get install xvfb)', stop: () => undefined };
  }
  for (let n = 90 + (process.pid % 50); n < 200; n++) {
    if (existsSync(`/tmp/.X${n}-lock`) || existsSync(`/tmp/.X11-unix/X${n}`)) continue;
    const child: ChildProcess = spawn('Xvfb', [`:${n}`, '-screen', '0', '64x64x24', '-nolisten', 'tcp'], {
      stdio: 'ignore',
    });
    const started = Date.now();
    while (Date.now() - started < 10_000) {
      if (child.exitCode !== null) break;
      if (existsSync(`/tmp/.X11-unix/X${n}`)) {
        process.env.DISPLAY = `:${n}`;
        return {
          display: `:${n}`,
          reason: null,
          stop: () => {
            delete process.env.DISPLAY;
            child.kill();
          },
        };
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    child.kill();
  }
  return { display: null, reason: 'Xvfb did not start', stop: () => undefined };
}
