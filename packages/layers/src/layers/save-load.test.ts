/** Every layer added in 0.2 saves with saveModel and loads with loadModel (by its registered name), in eval mode. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tidy } from '@nn/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import { expectClose } from '../../test/helpers';
import { layerZoo, runZooEntry } from '../../test/zoo';
import { loadModel, saveModel } from '../io/model';
import { registeredName } from '../registry';

const scratch = mkdtempSync(join(tmpdir(), 'nn-layers-0.2-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('saveModel/loadModel of the 0.2 layers', () => {
  for (const entry of layerZoo) {
    it(entry.name, async () => {
      const { module, inputs } = runZooEntry(entry);
      expect(registeredName(module)).toBe(entry.name);
      module.eval();
      const dir = join(scratch, entry.name);
      await saveModel(module, dir);
      const loaded = await loadModel(dir);
      expect(loaded.constructor).toBe(module.constructor);
      expect(loaded.training).toBe(false);
      expect(loaded.getConfig()).toEqual(module.getConfig());
      expect(String(loaded)).toBe(String(module));
      tidy(() => {
        const run = (m: typeof module) => (entry.call ? entry.call(m, inputs) : (m.forward(...inputs) as never));
        expectClose(run(loaded), Array.from(run(module).dataSync()), 0, 0);
      });
    });
  }
});
