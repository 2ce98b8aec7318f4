// The layer table (test/support/import-boundaries.ts, docs/ARCHITECTURE.md)
// over every source file of the repo, and proof that it catches what it must.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { boundaryViolations, LAYERS } from '../support/import-boundaries.ts';

const repo = join(import.meta.dirname, '..', '..');
/** Built or generated output, not sources (anywhere). */
const SKIP = new Set(['node_modules', 'dist', 'out', 'results', 'screenshots']);
/** Not sources either, at these places (.gitignore's folders, and git's own). */
const SKIP_PATHS = new Set(['.git', 'test-results', '.ci/cache', '.device-uploader']);

/** Every source file under `dir`, as repo-relative posix paths. */
function sourcesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    const rel = relative(repo, full).split(sep).join('/');
    if (statSync(full).isDirectory()) {
      if (!SKIP.has(name) && !SKIP_PATHS.has(rel)) out.push(...sourcesUnder(full));
    } else if (/\.(m|c)?[tj]sx?$/.test(name)) out.push(rel);
  }
  return out;
}

const violations = (file: string, line: string) => boundaryViolations(file, line);

describe('import boundaries', () => {
  it('hold for every source file of the repo, each in a row of the table, the root and every folder included', () => {
    const files = sourcesUnder(repo);
    expect(files.length).toBeGreaterThan(300);
    // The walk starts at the root: its tool configs and a source file in any folder (docs/, build/...) are checked too.
    expect(files).toEqual(expect.arrayContaining(['vitest.config.ts', 'eslint.config.js', 'bin/device-uploader.js']));
    const problems = files.flatMap((f) => boundaryViolations(f, readFileSync(join(repo, f), 'utf8')));
    expect(problems).toEqual([]);
  });

  it('have a row for every folder of app/', () => {
    const folders = readdirSync(join(repo, 'app')).filter((name) => statSync(join(repo, 'app', name)).isDirectory());
    const rows = new Set(LAYERS.map((l) => l.owns));
    expect(folders.filter((f) => !rows.has(`app/${f}/`))).toEqual([]);
  });

  it('refuse a file in a place with no row', () => {
    expect(violations('app/reports/weekly.ts', `import { x } from './y.ts';`)).toHaveLength(1);
    expect(violations('tools/x.ts', ``)).toHaveLength(1);
    expect(violations('docs/x.ts', ``)).toHaveLength(1);
    expect(violations('playwright.config.ts', ``)).toHaveLength(1); // a new root file is placed in the table first
  });

  it("keep the root's tool configs out of the repo's code", () => {
    expect(violations('vitest.config.ts', `import { defineConfig } from 'vitest/config';`)).toEqual([]);
    expect(violations('vitest.config.ts', `import { startS3 } from './test/support/radosgw.ts';`)).toHaveLength(1);
    expect(violations('eslint.config.js', `import { LAYERS } from './test/support/import-boundaries.ts';`)).toHaveLength(1);
    expect(violations('eslint.config.js', `const { main } = await import('./app/cli/index.ts');`)).toHaveLength(1);
  });

  it('refuse an import of a computed name outside the tests (it could land anywhere)', () => {
    expect(violations('scripts/start.ts', `const cli = await import(join(root, 'app/cli/index.ts'));`)).toHaveLength(1);
    expect(violations('vitest.config.ts', `const x = require(name);`)).toHaveLength(1);
    expect(violations('main/shell.ts', `const m = await import(\`../app/\${which}.ts\`);`)).toHaveLength(1);
    expect(violations('main/shell.ts', `const m = await import(\`../app/host/x.ts\`);`)).toEqual([]); // a plain template is a name
    expect(violations('test/support/electron-run.ts', `await import(pathToFileURL(entry).href);`)).toEqual([]);
  });

  it('catch the crossings found in review', () => {
    expect(violations('app/store/queue.ts', `import { formatBytes } from '../../renderer/lib/format.ts';`)).toHaveLength(1);
    expect(violations('app/engine/create-engine.ts', `import { runShell } from '../../main/shell.ts';`)).toHaveLength(1);
    expect(violations('main/shell.ts', `import { formatBytes } from '../renderer/lib/format.ts';`)).toHaveLength(1);
    expect(violations('app/common/logger.ts', `import type { Engine } from '../engine/engine.ts';`)).toHaveLength(1);
  });

  it('catch electron in the engine, in every import form', () => {
    expect(violations('app/engine/x.ts', `import { app } from 'electron';`)).toHaveLength(1);
    expect(violations('app/engine/x.ts', `const e = await import('electron');`)).toHaveLength(1);
    expect(violations('app/engine/x.ts', `const e = require('electron/main');`)).toHaveLength(1);
    expect(violations('app/engine/x.ts', `// import 'electron' in a comment\nconst s = "electron";`)).toEqual([]);
    expect(violations('main/electron-main.ts', `import { app } from 'electron';`)).toEqual([]);
  });

  it('catch Node built-ins and engine values in the renderer, allow api.ts types', () => {
    expect(violations('renderer/a.ts', `import { readFile } from 'node:fs/promises';`)).toHaveLength(1);
    expect(violations('renderer/a.ts', `import path from 'path';`)).toHaveLength(1);
    expect(violations('renderer/views/a.ts', `import { main } from '../../app/cli/index.ts';`)).toHaveLength(1);
    expect(violations('renderer/views/a.ts', `import type { Snapshot } from '../../app/api.ts';`)).toEqual([]);
    expect(violations('renderer/views/a.ts', `import { type Snapshot } from '../../app/api.ts';`)).toEqual([]);
    expect(violations('renderer/views/a.ts', `export type { Snapshot } from '../../app/api.ts';`)).toEqual([]);
    expect(violations('renderer/views/a.ts', `import type { FileRow } from '../../app/store/types.ts';`)).toHaveLength(1);
    expect(violations('renderer/views/a.ts', `import type { Shell } from '../../main/shell.ts';`)).toHaveLength(1);
  });

  it('keep api.ts to types', () => {
    expect(violations('app/api.ts', `import { z } from 'zod';`)).toHaveLength(1);
    expect(violations('app/api.ts', `import type { FileRow } from './store/types.ts';`)).toHaveLength(1); // it owns its types
  });

  it('keep common below all of app/', () => {
    for (const line of [
      `import { loadConfigFile } from '../config/load.ts';`,
      `import type { Store } from '../store/store.ts';`,
      `import { startServe } from '../cli/serve.ts';`,
    ])
      expect(violations('app/common/logger.ts', line), line).toHaveLength(1);
    expect(violations('app/common/logger.ts', `import type { LogStatus } from '../api.ts';`)).toEqual([]);
    expect(violations('app/config/load.ts', `import { errorFacts } from '../common/error-facts.ts';`)).toEqual([]);
  });

  it('keep each engine folder to the folders below it', () => {
    const bad: Array<[string, string]> = [
      ['app/store/queue.ts', `import { sha256File } from '../watch/dedup.ts';`],
      ['app/config/load.ts', `import type { Store } from '../store/store.ts';`],
      ['app/watch/settler.ts', `import { Scheduler } from '../engine/scheduler.ts';`],
      ['app/biot/http.ts', `import type { FileRow } from '../store/types.ts';`],
      ['app/transfer/pool.ts', `import { FolderWatcher } from '../watch/folder-watcher.ts';`],
      ['app/transfer/pool.ts', `import { openStore } from '../store/index.ts';`],
      ['app/engine/intake.ts', `import { startServe } from '../cli/serve.ts';`],
      ['app/engine/intake.ts', `import { serveEngine } from '../host/engine-service.ts';`],
      ['app/engine/intake.ts', `import { startControlServer } from '../control/server.ts';`],
      ['app/engine/intake.ts', `import { startSandbox } from '../sandbox/index.ts';`],
      ['app/sandbox/state.ts', `import { openStore } from '../store/index.ts';`],
      ['app/control/server.ts', `import { createEngine } from '../engine/create-engine.ts';`],
      ['app/host/fork.ts', `import { openStore } from '../store/index.ts';`],
      ['app/host/engine-service.ts', `import { runCommand } from '../cli/run.ts';`],
    ];
    for (const [file, line] of bad) expect(violations(file, line), `${file}: ${line}`).toHaveLength(1);
    const good: Array<[string, string]> = [
      ['app/store/queue.ts', `import type { Logger } from '../common/logger.ts';`],
      ['app/watch/settler.ts', `import type { Store } from '../store/store.ts';`],
      ['app/watch/folder-watcher.ts', `import type { FolderConfig } from '../config/schema.ts';`],
      ['app/transfer/pool.ts', `import { BiotError } from '../biot/errors.ts';`],
      ['app/transfer/ports.ts', `import type { UploadRow } from '../store/types.ts';`],
      ['app/engine/intake.ts', `import { FolderWatcher } from '../watch/folder-watcher.ts';`],
      ['app/sandbox/state.ts', `import type { components } from '../biot/generated/file.ts';`],
      ['app/control/rpc.ts', `import { EngineClient } from '../host/engine-client.ts';`],
      ['app/host/engine-service.ts', `import { createEngine } from '../engine/create-engine.ts';`],
      ['app/cli/run.ts', `import { createEngine } from '../engine/create-engine.ts';`],
    ];
    for (const [file, line] of good) expect(violations(file, line), `${file}: ${line}`).toEqual([]);
  });

  it('let nothing but bin/, tests and the bench import the CLI', () => {
    expect(violations('bin/device-uploader.js', `const { main } = await import('../app/cli/index.ts');`)).toEqual([]);
    expect(violations('bin/device-uploader.js', `import { createEngine } from '../app/engine/create-engine.ts';`)).toHaveLength(1);
    expect(violations('bench/peers/du-child.ts', `import { scanFolders } from '../../app/cli/once-scan.ts';`)).toEqual([]);
    expect(violations('main/shell.ts', `import { startServe } from '../app/cli/serve.ts';`)).toHaveLength(1);
  });

  it('keep the shell to the contract, the host and common', () => {
    expect(violations('main/ipc.ts', `import type { UploaderApi } from '../app/api.ts';`)).toEqual([]);
    expect(violations('main/ipc.ts', `import { EngineClient } from '../app/host/engine-client.ts';`)).toEqual([]);
    expect(violations('main/ipc.ts', `import { createEngine } from '../app/engine/create-engine.ts';`)).toHaveLength(1);
    expect(violations('main/ipc.ts', `import { openStore } from '../app/store/index.ts';`)).toHaveLength(1);
    expect(violations('main/ipc.ts', `import { app } from 'electron';`)).toEqual([]);
  });

  it('keep scripts, the bench and the app out of each other and out of the tests', () => {
    expect(violations('scripts/start.ts', `import { main } from '../app/cli/index.ts';`)).toHaveLength(1);
    expect(violations('app/engine/intake.ts', `import { until } from '../../test/support/wait.ts';`)).toHaveLength(1);
    expect(violations('main/shell.ts', `import { electronBinary } from '../scripts/electron-binary.ts';`)).toHaveLength(1);
    expect(violations('bench/run.ts', `import { drawIcon } from '../scripts/build-icons.ts';`)).toHaveLength(1);
    expect(violations('bench/run.ts', `import { startS3 } from '../test/support/radosgw.ts';`)).toEqual([]);
    expect(violations('test/unit/x.test.ts', `import { drawIcon } from '../../scripts/build-icons.ts';`)).toEqual([]);
  });
});
