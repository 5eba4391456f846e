#!/usr/bin/env node
// Training tokens/s of apps/examples' char-GPT through its own training step (configureOptimizers) on the wasm
// backend, from the package sources (bench/gpt-entry.ts; see bench/bundle-run.mjs).
// Usage: node bench/gpt.mjs [--threads=2] [--steps=30] [--kernels] [--prof]
//   --kernels prints the time per kernel and input shapes; --prof writes a CPU profile to bench/out/.
import { bundleAndRun } from './bundle-run.mjs';

bundleAndRun('gpt');
