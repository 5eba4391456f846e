#!/usr/bin/env node
// Training samples/s of LeNet-5, an MLP 784-128-10 or the examples' ResNet-20 / plain-20 (width 8; batch 64, Adam,
// cross-entropy) on the wasm backend,
// from the package sources (bench/train-entry.ts; see bench/bundle-run.mjs).
// Usage: node bench/train.mjs [--model=lenet|mlp|resnet|plain] [--threads=N] [--batch=64] [--seconds=3] [--kernels] [--prof]
//   --kernels prints the time per kernel and shape; --prof writes a CPU profile to bench/out/.
import { bundleAndRun } from './bundle-run.mjs';

bundleAndRun('train');
