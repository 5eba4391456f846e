#!/usr/bin/env node
// One TransformerEncoderLayer(128, 4) at [12, 64, 128] on wasm, forward and a training step, with the native fused
// layerNorm/attention kernels against the same kernels on the CPU reference path (bench/transformer-entry.ts; see
// bench/bundle-run.mjs). Prints median CPU times and the ratio.
// Usage: node bench/transformer.mjs [--threads=1] [--reps=7]
import { bundleAndRun } from './bundle-run.mjs';

bundleAndRun('transformer');
