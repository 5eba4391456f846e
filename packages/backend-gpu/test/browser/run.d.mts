import type { ConformanceFailure } from '@nn/tensor/testing';

export interface BrowserResult {
  mode: string;
  passed?: number;
  failed?: ConformanceFailure[];
  skipped?: number;
  seconds?: number;
  error?: string;
  pageErrors?: string[];
}
export const CHROMIUM: string;
export function runInBrowser(modes: readonly string[]): Promise<BrowserResult[]>;
export function browserAvailable(): boolean;
