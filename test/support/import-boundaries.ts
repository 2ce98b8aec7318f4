// The layer table of docs/ARCHITECTURE.md ("may import"), checked by a tool
// rather than by memory. Every source file of the repo belongs to exactly one
// row; a folder without a row is itself a failure, so a new folder must be
// placed before it can hold code. A row lists what its files may import
// besides themselves (app/common is below all of app/, so every app/ row may
// import it; app/common itself imports nothing of the app but api.ts's types).
// Where today's code crosses a line on purpose, the crossing is listed with its
// reason. Uses TypeScript's own parser, so comments and strings that merely
// mention a module do not count; an import() or require() of a computed name,
// which no table can check, is itself refused outside test/. The root's own
// files (tool configs) have rows too: they import nothing of the repo.
import { builtinModules } from 'node:module';
import { posix } from 'node:path';
import ts from 'typescript';

export interface ImportUse {
  /** '' when `computed`. */
  specifier: string;
  typeOnly: boolean;
  line: number;
  /** An import() or require() of something other than a string literal: where it lands is not known. */
  computed?: boolean;
}

/** Every module a source file imports, re-exports, requires or dynamically imports. */
export function importsOf(fileName: string, text: string): ImportUse[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const uses: ImportUse[] = [];
  const add = (node: ts.Node, specifier: ts.Expression | undefined, typeOnly: boolean, call = false) => {
    const line = source.getLineAndCharacterOfPosition(node.getStart()).line + 1;
    if (specifier && ts.isStringLiteralLike(specifier)) uses.push({ specifier: specifier.text, typeOnly, line });
    else if (call) uses.push({ specifier: '', typeOnly, line, computed: true });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      const clause = node.importClause;
      const namedAllTypes =
        !!clause?.namedBindings &&
        ts.isNamedImports(clause.namedBindings) &&
        !clause.name &&
        clause.namedBindings.elements.length > 0 &&
        clause.namedBindings.elements.every((e) => e.isTypeOnly);
      add(node, node.moduleSpecifier, !!clause?.isTypeOnly || namedAllTypes);
    } else if (ts.isExportDeclaration(node)) {
      add(node, node.moduleSpecifier, node.isTypeOnly);
    } else if (ts.isCallExpression(node)) {
      const isDynamicImport = node.expression.kind === ts.SyntaxKind.ImportKeyword;
      const isRequire = ts.isIdentifier(node.expression) && node.expression.text === 'require';
      if (isDynamicImport || isRequire) add(node, node.arguments[0], false, true);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      add(node, node.argument.literal as ts.Expression, true);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return uses;
}

const nodeBuiltins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

/** Whether a specifier names a Node built-in (fs, node:fs, fs/promises...). */
export function isNodeBuiltin(specifier: string): boolean {
  return specifier.startsWith('node:') || nodeBuiltins.has(specifier) || nodeBuiltins.has(specifier.split('/')[0] ?? '');
}

/** Where a relative import lands, repo-relative posix ('' for a package or a built-in). */
export function targetOf(relPath: string, specifier: string): string {
  return specifier.startsWith('.') ? posix.normalize(posix.join(posix.dirname(relPath), specifier)) : '';
}

/** The engine's contract: api.ts (with its Settings half) and its payload schemas beside it. */
const CONTRACT = ['app/api.ts', 'app/api-settings.ts', 'app/api-schemas.ts'];
const COMMON = 'app/common/';

export interface Layer {
  /** Files of the row: a folder (ending in /) or one file. */
  owns: string;
  /** What its files may import (folders end in /), besides their own row's files. */
  may: string[];
  /** What its files may import types from (`import type`), and only types. */
  typesFrom?: string[];
  /** Crossings that are there on purpose today: target (file or folder/) -> why. */
  exceptions?: Record<string, string>;
}

/** One row per place, most specific first (a file before its folder). Keep in step with docs/ARCHITECTURE.md. */
export const LAYERS: Layer[] = [
  { owns: 'app/api.ts', may: [], typesFrom: ['app/api-settings.ts'] },
  { owns: 'app/api-settings.ts', may: [] },
  {
    owns: 'app/api-schemas.ts',
    may: ['app/api.ts', 'app/api-settings.ts', COMMON],
    typesFrom: ['app/store/history.ts', 'app/store/states.ts'],
  },
  { owns: COMMON, may: [], typesFrom: ['app/api.ts'] },
  // The engine's connections (trust, proxies, why a connection failed): below the BioT client and the transfers.
  { owns: 'app/net/', may: [] },
  { owns: 'app/config/', may: [COMMON, 'app/net/'] },
  { owns: 'app/store/', may: [COMMON] },
  { owns: 'app/biot/', may: [COMMON, 'app/net/'] },
  { owns: 'app/watch/', may: [COMMON, 'app/store/', 'app/config/'] },
  {
    owns: 'app/transfer/',
    may: [COMMON, 'app/biot/', 'app/net/'],
    typesFrom: ['app/store/types.ts'],
  },
  { owns: 'app/engine/', may: [...CONTRACT, COMMON, 'app/config/', 'app/store/', 'app/net/', 'app/biot/', 'app/transfer/', 'app/watch/'] },
  { owns: 'app/sandbox/', may: [COMMON, 'app/biot/'] },
  // The OS service files and their install: they read the config's folders, nothing of the engine.
  { owns: 'app/service/', may: [COMMON, 'app/config/'] },
  {
    owns: 'app/host/',
    may: [...CONTRACT, COMMON, 'app/engine/', 'app/config/'],
    exceptions: {
      'app/store/errors.ts': 'store errors become start-failure and API error codes',
      'app/store/damage.ts': 'a damaged queue becomes the damaged-database start failure',
      'app/sandbox/index.ts': 'a first run with no config starts the demo on a local sandbox (demo.ts)',
    },
  },
  { owns: 'app/control/', may: [...CONTRACT, COMMON, 'app/host/'] },
  // A front end: it may use any of app/, and only bin/, tests and the bench import it.
  { owns: 'app/cli/', may: ['app/'] },
  {
    owns: 'main/',
    may: [...CONTRACT, COMMON, 'app/host/'],
    exceptions: {
      'app/config/': 'the shell owns the config file in the desktop app: it moves secrets out of it and saves prefs and update settings',
      'app/control/headers.ts': 'the app protocol serves the same strict CSP as the control server',
    },
  },
  { owns: 'renderer/', may: [], typesFrom: ['app/api.ts'] },
  // out/cli/cli.js: the same entry as built by npm install (scripts/build-main.ts).
  { owns: 'bin/', may: ['app/cli/index.ts', 'out/cli/cli.js'] },
  { owns: 'scripts/', may: [] },
  { owns: 'bench/', may: ['app/', 'test/support/'] },
  { owns: 'test/', may: ['app/', 'main/', 'renderer/', 'scripts/', 'bench/'] },
  // The root's tool configs: run by vitest and ESLint at start, so app code there would run with them.
  { owns: 'vitest.config.ts', may: [] },
  { owns: 'eslint.config.js', may: [] },
];

const within = (path: string, place: string) => (place.endsWith('/') ? path.startsWith(place) : path === place);
/** The row a repo-relative path belongs to, or undefined when it has none. */
export const layerOf = (relPath: string): Layer | undefined => LAYERS.find((l) => within(relPath, l.owns));
const isElectron = (specifier: string) => specifier === 'electron' || specifier.startsWith('electron/');

/** The rule violations of one file, given its path relative to the repo root (posix). */
export function boundaryViolations(relPath: string, text: string): string[] {
  const layer = layerOf(relPath);
  if (!layer) return [`${relPath}: no row of the layer table (test/support/import-boundaries.ts, docs/ARCHITECTURE.md) holds it`];
  const problems: string[] = [];
  for (const use of importsOf(relPath, text)) {
    if (use.computed) {
      // Tests load built entries and fakes by path on purpose; elsewhere every import must be checkable.
      if (!relPath.startsWith('test/'))
        problems.push(`${relPath}:${use.line}: an import() or require() of a computed name, which the table cannot check`);
      continue;
    }
    const where = `${relPath}:${use.line} imports "${use.specifier}"`;
    if ((relPath === 'app/api.ts' || relPath === 'app/api-settings.ts') && !use.typeOnly)
      problems.push(`${where}: ${posix.basename(relPath)} is the contract and imports nothing but types`);
    if (isElectron(use.specifier) && (relPath.startsWith('app/') || relPath.startsWith('renderer/'))) {
      problems.push(
        `${where}: ${relPath.startsWith('app/') ? 'the engine (app/) must run without Electron' : 'the renderer talks only to window.uploader'}`,
      );
    }
    if (relPath.startsWith('renderer/') && isNodeBuiltin(use.specifier))
      problems.push(`${where}: the renderer runs in a browser sandbox, no Node built-ins`);
    const target = targetOf(relPath, use.specifier);
    if (!target || within(target, layer.owns)) continue;
    const allowed =
      layer.may.some((m) => within(target, m)) ||
      (use.typeOnly && (layer.typesFrom ?? []).some((m) => within(target, m))) ||
      Object.keys(layer.exceptions ?? {}).some((e) => within(target, e));
    if (!allowed) {
      const may = layer.may.length ? `may import only ${layer.may.join(', ')}` : 'may import nothing of the repo';
      const types = layer.typesFrom?.length ? `${layer.may.length ? ',' : ' but'} types from ${layer.typesFrom.join(', ')}` : '';
      problems.push(`${where}: ${layer.owns} ${may}${types}`);
    }
  }
  return problems;
}
