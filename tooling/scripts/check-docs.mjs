#!/usr/bin/env node
// Doc-comment guard, run by `npm test` (tooling/scripts/nn.mjs) before the API reference is generated (typedoc.json):
// every name a published entry point exports (every `exports` path of every package, the `node` condition included)
// must carry a doc comment where it is declared. The entry points are read from each package.json: a types path
// `./dist/<name>.d.ts` is built from `src/<name>.ts` or `src/<name>/index.ts`.
// Usage: node tooling/scripts/check-docs.mjs        (prints every undocumented export; exits 1 if there is one)
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Every `types` path under a package.json `exports` value, whatever the nesting of conditions. */
function typesPaths(value, found = new Set()) {
  if (typeof value === 'string') {
    if (value.endsWith('.d.ts')) found.add(value);
  } else if (value !== null && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      if (key === 'types' || typeof inner === 'object') typesPaths(inner, found);
    }
  }
  return found;
}

/** The source entry points of the packages under `base`/packages: `{ name: '@nn/x' or '@nn/x/sub', file }`. */
export function entryPoints(base = root) {
  const entries = [];
  const packagesDir = join(base, 'packages');
  for (const dir of readdirSync(packagesDir).sort()) {
    const manifestFile = join(packagesDir, dir, 'package.json');
    if (!existsSync(manifestFile)) continue;
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
    if (manifest.private) continue;
    for (const path of [...typesPaths(manifest.exports ?? {})].sort()) {
      const stem = /^\.\/dist\/(.+)\.d\.ts$/.exec(path)?.[1];
      if (stem === undefined) continue;
      const candidates = [join(packagesDir, dir, 'src', `${stem}.ts`), join(packagesDir, dir, 'src', stem, 'index.ts')];
      const file = candidates.find((c) => existsSync(c));
      if (file === undefined) throw new Error(`check-docs: ${manifest.name}: no source for ${path}`);
      if (entries.some((e) => e.file === file)) continue;
      entries.push({ name: stem === 'index' ? manifest.name : `${manifest.name}/${stem}`, file });
    }
  }
  return entries;
}

/** "file:line" of a declaration, relative to `base`. */
function where(declaration, base) {
  const source = declaration.getSourceFile();
  const { line } = source.getLineAndCharacterOfPosition(declaration.getStart());
  return `${relative(base, source.fileName).split('\\').join('/')}:${line + 1}`;
}

/**
 * A declaration carries a doc comment with text (for a variable, the comment sits on its statement), or is marked
 * `@internal` (exported for the other packages, left out of the reference).
 */
function documented(declaration) {
  const node = ts.isVariableDeclaration(declaration) ? declaration.parent.parent : declaration;
  return ts.getJSDocCommentsAndTags(node).some((doc) => {
    if (!ts.isJSDoc(doc)) return false;
    if ((doc.tags ?? []).some((tag) => tag.tagName.text === 'internal')) return true;
    const text = typeof doc.comment === 'string' ? doc.comment : (doc.comment ?? []).map((c) => c.text).join('');
    return text.trim() !== '';
  });
}

/**
 * The exports of `entries` without a doc comment: one line each, `name: export (file:line)`. `paths` maps the
 * package names to their sources, so the program needs no build.
 */
export function undocumentedExports(entries, { base = root, paths = {} } = {}) {
  const program = ts.createProgram(
    entries.map((e) => e.file),
    {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      allowImportingTsExtensions: true,
      noEmit: true,
      skipLibCheck: true,
      // Only declarations and their comments are read: no type is checked, so the standard library is not needed.
      noLib: true,
      types: [],
      baseUrl: base,
      paths,
    },
  );
  const checker = program.getTypeChecker();
  const problems = [];
  for (const entry of entries) {
    const source = program.getSourceFile(entry.file);
    const moduleSymbol = source && checker.getSymbolAtLocation(source);
    if (moduleSymbol === undefined) {
      problems.push(`${entry.name}: cannot read ${entry.file}`);
      continue;
    }
    for (const exported of checker.getExportsOfModule(moduleSymbol)) {
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      const declarations = symbol.declarations ?? [];
      if (declarations.length === 0 || declarations.some(documented)) continue;
      problems.push(`${entry.name}: ${exported.name} has no doc comment (${where(declarations[0], base)})`);
    }
  }
  return problems.sort();
}

/** The `paths` that resolve every @nn package (and sub-path) to its sources under `base`. */
function sourcePaths(entries) {
  const paths = {};
  for (const entry of entries) paths[entry.name] = [entry.file];
  return paths;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const entries = entryPoints();
  const problems = undocumentedExports(entries, { paths: sourcePaths(entries) });
  for (const problem of problems) console.error(problem);
  console.log(
    problems.length === 0
      ? `check-docs: every export of ${entries.length} entry points has a doc comment`
      : `check-docs: ${problems.length} export(s) without a doc comment`,
  );
  process.exit(problems.length === 0 ? 0 : 1);
}
