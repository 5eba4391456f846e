/**
 * Imports a Node built-in at run time. The specifier is a variable (and marked for bundlers) so that browser
 * bundles of @nn/data neither try to resolve nor include node:fs & co.; only Node-only functions call this.
 */
export async function importNode<T>(specifier: `node:${string}`): Promise<T> {
  return (await import(/* webpackIgnore: true */ /* @vite-ignore */ specifier)) as T;
}
