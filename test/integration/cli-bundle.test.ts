// Issue 20: `device-uploader` runs the bundle `npm install` builds (out/cli/,
// scripts/build-main.ts) while it is newer than every source it was built
// from, and the sources otherwise, so what runs is never behind what is on
// disk. A copy of the repository's bin/, app/ and package.json (mtimes kept)
// with this checkout's node_modules, the bundle built into it; each run is a
// real process whose module loads are listed by a loader hook.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../app/sandbox/index.ts';
import { buildMain } from '../../scripts/build-main.ts';
import { runCli } from '../support/cli-process.ts';

const repo = join(import.meta.dirname, '..', '..');

/** Prints every file module loaded, one `loaded URL` line on stderr. */
const listLoads = `data:text/javascript,${encodeURIComponent(
  "import { registerHooks } from 'node:module'; registerHooks({ load(url, context, next) { if (url.startsWith('file:')) process.stderr.write('loaded ' + url + '\\n'); return next(url, context); } });",
)}`;

interface Ran {
  code: number | null;
  stdout: string;
  loaded: string[];
}

/** Runs the copy's bin/device-uploader.js (asynchronously: the sandbox answering it lives in this process). */
async function cli(root: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Ran> {
  const ran = await runCli(args, { root, nodeArgs: ['--import', listLoads], env: { ...process.env, DEVICE_UPLOADER_FROM_SOURCES: '', ...env } });
  const loaded = [...ran.stderr.matchAll(/^loaded file:\/\/(\S+)$/gm)].map((m) => (m[1] as string).slice(root.length + 1));
  return { code: ran.code, stdout: ran.stdout + ran.stderr.replace(/^loaded .*\n/gm, ''), loaded };
}

const fromBundle = (r: Ran) => r.loaded.includes('out/cli/cli.js') && !r.loaded.some((m) => m.endsWith('.ts'));
const fromSources = (r: Ran) => r.loaded.includes('app/cli/index.ts') && !r.loaded.some((m) => m.startsWith('out/'));

describe('the headless CLI from its bundle', () => {
  let root: string;
  let sandbox: Sandbox;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'du-cli-bundle-'));
    for (const part of ['bin', 'app', 'package.json']) cpSync(join(repo, part), join(root, part), { recursive: true, preserveTimestamps: true });
    symlinkSync(join(repo, 'node_modules'), join(root, 'node_modules'), 'dir');
    await buildMain({ outDir: join(root, 'out') });
    sandbox = await startSandbox();
  }, 120_000);

  afterAll(async () => {
    await sandbox?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('runs the bundle while it is newer than every source it was built from, and says its version', async () => {
    const ran = await cli(root, ['--version']);
    expect(ran.code, ran.stdout).toBe(0);
    expect(ran.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    expect(fromBundle(ran), ran.loaded.join('\n')).toBe(true);
  });

  it('uploads from the bundle: run --once, loading neither TypeScript nor the sandbox nor the control server', async () => {
    const inbox = join(root, 'inbox');
    mkdirSync(inbox);
    writeFileSync(join(inbox, 'export.dat'), 'ecg,1,2,3\n');
    const config = join(root, 'config.json');
    writeFileSync(
      config,
      JSON.stringify({
        dataDir: join(root, 'data'),
        server: { baseUrl: sandbox.url, auth: { type: 'user', ...sandbox.credentials.user } },
        folders: [{ id: 'inbox', path: inbox, quietSeconds: 0 }],
      }),
    );
    const ran = await cli(root, ['run', '--once', '--config', config]);
    expect(ran.code, ran.stdout).toBe(0);
    expect(ran.stdout).toContain('done 1,');
    expect(fromBundle(ran), ran.loaded.join('\n')).toBe(true);
    // Split at the CLI's lazy imports: a command loads its own chunks only.
    const chunks = ran.loaded.filter((m) => m.startsWith('out/cli/'));
    expect(chunks.length).toBeGreaterThan(1);
    // esbuild marks each inlined module with a "// path" comment.
    const modules = chunks.flatMap((c) => [...readFileSync(join(root, c), 'utf8').matchAll(/^\/\/ (app\/\S+\.ts)$/gm)].map((m) => m[1]));
    expect(modules).toContain('app/engine/scheduler.ts');
    expect(modules.filter((m) => /^app\/(sandbox|control)\//.test(m as string))).toEqual([]);
  }, 90_000);

  it('runs the sources when asked (DEVICE_UPLOADER_FROM_SOURCES=1)', async () => {
    const ran = await cli(root, ['--version'], { DEVICE_UPLOADER_FROM_SOURCES: '1' });
    expect(ran.code, ran.stdout).toBe(0);
    expect(fromSources(ran), ran.loaded.join('\n')).toBe(true);
  });

  it('runs the sources once one of them is newer than the bundle (an edit, a pull, a checkout)', async () => {
    const edited = join(root, 'app', 'engine', 'scheduler.ts');
    const later = new Date(Date.now() + 60_000);
    utimesSync(edited, later, later);
    const ran = await cli(root, ['--version']);
    expect(ran.code, ran.stdout).toBe(0);
    expect(fromSources(ran), ran.loaded.join('\n')).toBe(true);
  });
});
