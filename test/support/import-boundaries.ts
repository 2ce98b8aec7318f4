// The Layout table of ARCHITECTURE.md ("may import"), checked by a tool rather
// than by memory: app/ never imports electron, api.ts only types, each engine
// folder only the folders below it (app/common is below all), the renderer
// only types from api.ts, the shell only the contract and the host. Where
// today's code crosses a line on purpose, the exception is listed below with
// its reason. Uses TypeScript's own parser, so comments and strings that merely
// mention a module do not count.
import { builtinModules } from 'node:module';
import { posix } from 'node:path';
import ts from 'typescript';

export interface ImportUse {
  specifier: string;
  typeOnly: boolean;
  line: number;
}

/** Every module a source file imports, re-exports, requires or dynamically imports. */
export function importsOf(fileName: string, text: string): ImportUse[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const uses: ImportUse[] = [];
  const add = (node: ts.Node, specifier: ts.Expression | undefined, typeOnly: boolean) => {
    if (!specifier || !ts.isStringLiteralLike(specifier)) return;
    const line = source.getLineAndCharacterOfPosition(node.getStart()).line + 1;
    uses.push({ specifier: specifier.text, typeOnly, line });
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
      if (isDynamicImport || isRequire) add(node, node.arguments[0], false);
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

/** The engine's contract: api.ts and its payload schemas beside it. */
const CONTRACT = ['app/api.ts', 'app/api-schemas.ts'];

interface Layer {
  /** Files of the layer: a folder (ending in /) or one file. */
  owns: string;
  /** What in app/ its files may import, besides themselves and app/common/. */
  may: string[];
  /** Crossings that are there on purpose today: target (file or folder/) -> why. */
  exceptions?: Record<string, string>;
}

/** The "may import" column, for the folders of app/ that have one. */
export const LAYERS: Layer[] = [
  { owns: 'app/store/', may: [] },
  {
    owns: 'app/watch/',
    may: ['app/store/'],
    exceptions: { 'app/config/schema.ts': 'the folder settings (patterns, after-upload action) are what the watcher watches by' },
  },
  { owns: 'app/biot/', may: [] },
  {
    owns: 'app/transfer/',
    may: ['app/biot/'],
    exceptions: { 'app/store/types.ts': "the ledger port speaks in the store's upload and part row types (types only)" },
  },
  { owns: 'app/control/', may: [...CONTRACT, 'app/host/'] },
  {
    owns: 'app/host/',
    may: [...CONTRACT, 'app/engine/'],
    exceptions: {
      'app/config/load.ts': 'the host loads the config file it was started with, and maps its ConfigError to a start failure',
      'app/config/save.ts': 'the demo writes its config file (demo.ts)',
      'app/sandbox/index.ts': 'a first run with no config starts the demo on a local sandbox (demo.ts)',
      'app/store/errors.ts': 'store errors become start-failure and API error codes',
      'app/store/damage.ts': 'a damaged queue becomes the damaged-database start failure',
    },
  },
];

/** What main/ may import from app/: the contract, the host (engine entry, client, protocol) and common. */
const SHELL_MAY = [...CONTRACT, 'app/host/', 'app/common/'];
export const SHELL_EXCEPTIONS: Record<string, string> = {
  'app/config/': 'the shell owns the config file in the desktop app: it moves secrets out of it and saves prefs and update settings',
  'app/control/headers.ts': 'the app protocol serves the same strict CSP as the control server',
};

const within = (path: string, place: string) => (place.endsWith('/') ? path.startsWith(place) : path === place);
const layerOf = (relPath: string) => LAYERS.find((l) => within(relPath, l.owns));

/** The rule violations of one file, given its path relative to the repo root (posix). */
export function boundaryViolations(relPath: string, text: string): string[] {
  const problems: string[] = [];
  const layer = layerOf(relPath);
  for (const use of importsOf(relPath, text)) {
    const where = `${relPath}:${use.line} imports "${use.specifier}"`;
    const target = targetOf(relPath, use.specifier);
    const isElectron = use.specifier === 'electron' || use.specifier.startsWith('electron/');
    if (relPath.startsWith('app/')) {
      if (isElectron) problems.push(`${where}: the engine (app/) must run without Electron`);
      if (relPath === 'app/api.ts' && !use.typeOnly) problems.push(`${where}: api.ts is the contract and imports nothing but types`);
      if (layer && target.startsWith('app/') && !within(target, layer.owns) && !within(target, 'app/common/')) {
        const allowed = layer.may.some((m) => within(target, m));
        const excepted = Object.keys(layer.exceptions ?? {}).some((e) => within(target, e));
        if (!allowed && !excepted) {
          problems.push(`${where}: ${layer.owns} may import only ${[...layer.may, 'app/common/'].join(', ')}`);
        }
      }
    } else if (relPath.startsWith('renderer/')) {
      if (isNodeBuiltin(use.specifier)) {
        problems.push(`${where}: the renderer runs in a browser sandbox, no Node built-ins`);
      }
      if (target.startsWith('app/') && (target !== 'app/api.ts' || !use.typeOnly)) {
        problems.push(`${where}: the renderer may import only types from app/api.ts (use \`import type\`)`);
      }
      if (isElectron) problems.push(`${where}: the renderer talks only to window.uploader`);
    } else if (relPath.startsWith('main/')) {
      if (target.startsWith('app/') && !SHELL_MAY.some((m) => within(target, m)) && !Object.keys(SHELL_EXCEPTIONS).some((e) => within(target, e))) {
        problems.push(`${where}: the shell may import from app/ only ${SHELL_MAY.join(', ')}`);
      }
    }
  }
  return problems;
}
