/**
 * Layer-level smoke run: every layer added to @nn/layers in 0.2 (its test/zoo.ts) runs forward and backward on the
 * wasm backend and gives the cpu backend's output and gradients.
 */
import { describe, expect, it } from 'vitest';
import { zooMismatches } from '../../layers/test/zoo';
import './index';

describe('the 0.2 layers on the wasm backend', () => {
  it('give the cpu backend output and gradients', async () => {
    expect(await zooMismatches('wasm', 1e-4)).toEqual([]);
  });
});
