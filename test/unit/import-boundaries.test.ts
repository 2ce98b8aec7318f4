import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { boundaryViolations } from '../support/import-boundaries.ts';

const repo = join(import.meta.dirname, '..', '..');

function sourcesUnder(dir: string): string[] {
  const out: string[] = [];
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of entries) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...sourcesUnder(full));
    else if (/\.(m|c)?[tj]sx?$/.test(name)) out.push(full);
  }
  return out;
}

describe('import boundaries', () => {
  it('holds for every file under app/, renderer/ and main/', () => {
    const files = [...sourcesUnder(join(repo, 'app')), ...sourcesUnder(join(repo, 'renderer')), ...sourcesUnder(join(repo, 'main'))];
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
    expect(boundaryViolations('renderer/views/a.ts', `import { main } from '../../app/cli/index.ts';`)).toHaveLength(1);
    expect(boundaryViolations('renderer/views/a.ts', `import type { Snapshot } from '../../app/api.ts';`)).toEqual([]);
    expect(boundaryViolations('renderer/views/a.ts', `import { type Snapshot } from '../../app/api.ts';`)).toEqual([]);
    expect(boundaryViolations('renderer/views/a.ts', `export type { Snapshot } from '../../app/api.ts';`)).toEqual([]);
    expect(boundaryViolations('renderer/views/a.ts', `import type { FileRow } from '../../app/store/types.ts';`)).toHaveLength(1);
  });

  it('keeps api.ts to types', () => {
    expect(boundaryViolations('app/api.ts', `import type { FileRow } from './store/types.ts';`)).toEqual([]);
    expect(boundaryViolations('app/api.ts', `import { z } from 'zod';`)).toHaveLength(1);
  });

  it('keeps each engine folder to the folders below it, app/common below all', () => {
    const bad: Array<[string, string]> = [
      ['app/store/queue.ts', `import { sha256File } from '../watch/dedup.ts';`],
      ['app/watch/settler.ts', `import { Scheduler } from '../engine/scheduler.ts';`],
      ['app/biot/http.ts', `import type { FileRow } from '../store/types.ts';`],
      ['app/transfer/pool.ts', `import { FolderWatcher } from '../watch/folder-watcher.ts';`],
      ['app/control/server.ts', `import { createEngine } from '../engine/create-engine.ts';`],
      ['app/host/fork.ts', `import { openStore } from '../store/index.ts';`],
    ];
    for (const [file, line] of bad) expect(boundaryViolations(file, line), `${file}: ${line}`).toHaveLength(1);
    const good: Array<[string, string]> = [
      ['app/store/queue.ts', `import type { Logger } from '../common/logger.ts';`],
      ['app/watch/settler.ts', `import type { Store } from '../store/store.ts';`],
      ['app/watch/folder-watcher.ts', `import type { FolderConfig } from '../config/schema.ts';`],
      ['app/transfer/pool.ts', `import { BiotError } from '../biot/errors.ts';`],
      ['app/control/rpc.ts', `import { EngineClient } from '../host/engine-client.ts';`],
      ['app/host/engine-service.ts', `import { createEngine } from '../engine/create-engine.ts';`],
      ['app/engine/intake.ts', `import { FolderWatcher } from '../watch/folder-watcher.ts';`],
    ];
    for (const [file, line] of good) expect(boundaryViolations(file, line), `${file}: ${line}`).toEqual([]);
  });

  it('keeps the shell to the contract, the host and common', () => {
    expect(boundaryViolations('main/ipc.ts', `import type { UploaderApi } from '../app/api.ts';`)).toEqual([]);
    expect(boundaryViolations('main/ipc.ts', `import { EngineClient } from '../app/host/engine-client.ts';`)).toEqual([]);
    expect(boundaryViolations('main/ipc.ts', `import { createEngine } from '../app/engine/create-engine.ts';`)).toHaveLength(1);
    expect(boundaryViolations('main/ipc.ts', `import { openStore } from '../app/store/index.ts';`)).toHaveLength(1);
    expect(boundaryViolations('main/ipc.ts', `import { app } from 'electron';`)).toEqual([]);
  });
});
