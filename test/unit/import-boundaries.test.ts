import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { boundaryViolations } from '../support/import-boundaries.ts';

const repo = join(import.meta.dirname, '..', '..');

function sourcesUnder(dir: string): string[] {
  const out: string[] = [];
  let entries: string[];
  try { entries = readdirSync(dir); } catch { return out; }
  for (const name of entries) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...sourcesUnder(full));
    else if (/\.(m|c)?[tj]sx?$/.test(name)) out.push(full);
  }
  return out;
}

describe('import boundaries', () => {
  it('holds for every file under app/ and renderer/', () => {
    const files = [...sourcesUnder(join(repo, 'app')), ...sourcesUnder(join(repo, 'renderer'))];
    expect(files.length).toBeGreaterThan(0);
    const problems = files.flatMap((f) => boundaryViolations(relative(repo, f).split(sep).join('/'), readFileSync(f, 'utf8')));
    expect(problems).toEqual([]);
  });

  it('catches electron in the engine, in every import form', () => {
    expect(boundaryViolations('app/x.ts', `import { app } from 'electron';`)).toHaveLength(1);
    expect(boundaryViolations('app/x.ts', `const e = await import('electron');`)).toHaveLength(1);
    expect(boundaryViolations('app/x.ts', `const e = require('electron/main');`)).toHaveLength(1);
    expect(boundaryViolations('app/x.ts', `// import 'electron' in a comment\nconst s = "electron";`)).toEqual([]);
  });

  it('catches Node built-ins and engine values in the renderer, allows engine types', () => {
    expect(boundaryViolations('renderer/a.ts', `import { readFile } from 'node:fs/promises';`)).toHaveLength(1);
    expect(boundaryViolations('renderer/a.ts', `import path from 'path';`)).toHaveLength(1);
    expect(boundaryViolations('renderer/views/a.ts', `import { main } from '../../app/cli.ts';`)).toHaveLength(1);
    expect(boundaryViolations('renderer/views/a.ts', `import type { Snapshot } from '../../app/api.ts';`)).toEqual([]);
    expect(boundaryViolations('renderer/views/a.ts', `import { type Snapshot } from '../../app/api.ts';`)).toEqual([]);
    expect(boundaryViolations('renderer/views/a.ts', `export type { Snapshot } from '../../app/api.ts';`)).toEqual([]);
  });
});
