import type { ConformanceFailure } from '@nn/tensor/testing';
import type { WebGpuChecks } from './webgpu-checks';

export interface BrowserResult {
  mode: string;
  passed?: number;
  failed?: ConformanceFailure[];
  skipped?: number;
  skippedNames?: string[];
  seconds?: number;
  error?: string;
  pageErrors?: string[];
}
export { browserAvailable, CHROMIUM } from '../../../../tooling/browser/harness.mjs';

export function runInBrowser(modes: readonly string[]): Promise<BrowserResult[]>;
export function runWebGpuChecksInBrowser(): Promise<WebGpuChecks>;
