// Types of harness.mjs, for the TypeScript that imports the packages' run.mjs scripts built on it.
export const CHROMIUM: string;
export function browserAvailable(): boolean;
/** Flags for a headless Chromium that works as root, offline, without background traffic. */
export const CHROMIUM_ARGS: readonly string[];

/** esbuild's `build`, as far as bundleForPage uses it. */
export type BuildFunction = (options: object) => Promise<{ outputFiles: { text: string }[] }>;
export function bundleForPage(build: BuildFunction, entry: string | URL): Promise<string>;
/** esbuild plugin: `@nn/*` from the packages' sources (`node: true`: src/node.ts where a `node` condition exists). */
export function nnSources(options?: { node?: boolean }): {
  name: string;
  setup(build: {
    onResolve(options: { filter: RegExp }, callback: (args: { path: string }) => { path: string }): void;
  }): void;
};

/** What the tests use of a playwright page. */
export interface Tab {
  evaluate<R, A>(fn: (arg: A) => R | Promise<R>, arg: A): Promise<R>;
  evaluate<R>(fn: () => R | Promise<R>): Promise<R>;
  close(): Promise<void>;
}
export type OpenTab = (options?: { isolated?: boolean }) => Promise<{ tab: Tab; errors: string[] }>;

export interface BrowserOptions {
  /** playwright-core's `chromium`. */
  chromium: { launch(options: object): Promise<unknown> };
  script: string;
  title?: string;
  /** Extra Chromium flags, e.g. '--enable-unsafe-webgpu'. */
  args?: readonly string[];
}
export function withBrowser<R>(options: BrowserOptions, run: (open: OpenTab) => Promise<R>): Promise<R>;
