// The shell's own layering: only the wiring file (and the preload) import
// `electron`, so everything else runs under Node; and the sandboxed preload
// pulls in no Node built-in and no engine code (its whole import closure).
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { expect, it } from 'vitest';
import { importsOf, isNodeBuiltin } from '../support/import-boundaries.ts';

const repo = join(import.meta.dirname, '..', '..');
const mainDir = join(repo, 'main');
const ELECTRON_FILES = new Set(['electron-main.ts', 'preload.ts']);

it('only electron-main.ts and preload.ts import electron', () => {
  const offenders = readdirSync(mainDir)
    .filter((f) => f.endsWith('.ts') && !ELECTRON_FILES.has(f))
    .flatMap((f) =>
      importsOf(f, readFileSync(join(mainDir, f), 'utf8'))
        .filter((u) => /^electron(\/|$)/.test(u.specifier))
        .map((u) => `${f}:${u.line}`),
    );
  expect(offenders).toEqual([]);
});

it('the preload bundles nothing but itself, the channel map and electron', () => {
  const seen = new Set<string>();
  const problems: string[] = [];
  const walk = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const use of importsOf(file, readFileSync(file, 'utf8'))) {
      if (use.typeOnly) continue;
      const where = `${relative(repo, file)}:${use.line} "${use.specifier}"`;
      if (use.specifier === 'electron') continue;
      if (isNodeBuiltin(use.specifier)) problems.push(`${where}: a Node built-in in the sandboxed preload`);
      else if (!use.specifier.startsWith('.')) problems.push(`${where}: a package in the preload`);
      else {
        const target = resolve(dirname(file), use.specifier);
        if (!target.startsWith(mainDir)) problems.push(`${where}: engine code in the preload (import types only)`);
        else walk(target);
      }
    }
  };
  walk(join(mainDir, 'preload.ts'));
  expect(problems).toEqual([]);
  expect([...seen].map((f) => relative(mainDir, f)).sort()).toEqual(['channels.ts', 'preload-api.ts', 'preload.ts']);
});
