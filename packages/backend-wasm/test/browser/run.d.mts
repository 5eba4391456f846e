import type { WasmPageReport } from './entry';

export { browserAvailable, CHROMIUM } from '../../../../tooling/browser/harness.mjs';

export interface WasmPageResult {
  /** Served with COOP/COEP (cross-origin isolated) or without. */
  isolated: boolean;
  report?: WasmPageReport;
  /** The page could not be driven at all (a crash, a failed evaluate). */
  error?: string;
  pageErrors: string[];
}
export function runWasmInBrowser(): Promise<WasmPageResult[]>;
