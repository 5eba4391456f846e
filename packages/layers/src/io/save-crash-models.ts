// The models of save-crash.test.ts, built identically in the test and in its child process.
import { manualSeed } from '@nn/tensor';
import { Linear, ReLU, Sequential } from '../layers';
import type { Module } from '../module';

/** The model a crash test directory holds before the child starts saving over it. */
export function firstModel(): Module {
  manualSeed(0);
  return new Sequential(new Linear(3, 2));
}

/** The models the child saves in turn (each shaped differently, so weights of one cannot load into another). */
export function crashModels(): Module[] {
  return [1, 2].map((seed) => {
    manualSeed(seed);
    return new Sequential(new Linear(256, 100 + seed), new ReLU(), new Linear(100 + seed, 10));
  });
}
