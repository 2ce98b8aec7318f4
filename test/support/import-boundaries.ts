// The layering rule of ARCHITECTURE.md, checked by a tool rather than by memory:
// app/ never imports electron; renderer/ imports no Node built-ins and nothing
// from the engine but types. Uses TypeScript's own parser, so comments and
// strings that merely mention a module do not count.
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
        !!clause?.namedBindings && ts.isNamedImports(clause.namedBindings) && !clause.name &&
        clause.namedBindings.elements.length > 0 && clause.namedBindings.elements.every((e) => e.isTypeOnly);
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

/** The rule violations of one file, given its path relative to the repo root (posix). */
export function boundaryViolations(relPath: string, text: string): string[] {
  const problems: string[] = [];
  for (const use of importsOf(relPath, text)) {
    const where = `${relPath}:${use.line} imports "${use.specifier}"`;
    if (relPath.startsWith('app/')) {
      if (use.specifier === 'electron' || use.specifier.startsWith('electron/')) {
        problems.push(`${where}: the engine (app/) must run without Electron`);
      }
    } else if (relPath.startsWith('renderer/')) {
      if (isNodeBuiltin(use.specifier)) {
        problems.push(`${where}: the renderer runs in a browser sandbox, no Node built-ins`);
      }
      const target = use.specifier.startsWith('.') ? posix.normalize(posix.join(posix.dirname(relPath), use.specifier)) : '';
      if (target.startsWith('app/') && !use.typeOnly) {
        problems.push(`${where}: the renderer may import only types from the engine (use \`import type\`)`);
      }
      if (use.specifier === 'electron') problems.push(`${where}: the renderer talks only to window.uploader`);
    }
  }
  return problems;
}
