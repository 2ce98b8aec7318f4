// A newcomer clones the repository alone, with nothing beside it (no
// ../shared): everything the tests and tools need must be inside the clone.
// This clones the committed HEAD into an empty temp folder (uncommitted edits
// are not in it, on purpose: a file that works only because it was never
// committed fails here) and checks the parts that used to live outside:
// the radosgw scripts, BioT's OpenAPI documents, the type generation, and the
// window that `npm install` builds so `serve` and `start` work at once. It
// borrows this checkout's node_modules (a symlink) instead of installing again.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchWindow, startCli } from '../support/cli-process.ts';

const repo = join(import.meta.dirname, '..', '..');
const notGit = spawnSync('git', ['-C', repo, 'rev-parse', '--is-inside-work-tree'], { encoding: 'utf8' }).status !== 0;

function run(cwd: string, command: string, args: string[], env: NodeJS.ProcessEnv = process.env) {
  const result = spawnSync(command, args, { cwd, env, encoding: 'utf8', timeout: 120_000 });
  return { status: result.status, out: `${result.stdout ?? ''}${result.stderr ?? ''}${result.error ? String(result.error) : ''}` };
}

describe.skipIf(notGit)(`a fresh clone stands alone${notGit ? ' [skipped: this checkout is not a git work tree]' : ''}`, () => {
  let root: string;
  let clone: string;

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'du-clone-'));
    clone = join(root, 'device-uploader');
    const cloned = run(root, 'git', ['clone', '--quiet', repo, clone]);
    expect(cloned.status, cloned.out).toBe(0);
    symlinkSync(join(repo, 'node_modules'), join(clone, 'node_modules'), 'dir');
  });

  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('has nothing beside it, and no tracked file points outside it', () => {
    expect(readdirSync(root)).toEqual(['device-uploader']);
    // This file names the old paths to look for them, so it is left out of the search.
    const found = run(clone, 'git', [
      'grep',
      '-n',
      '-E',
      String.raw`\.\./shared|shared/(s3|biot-openapi)|'shared', '(s3|biot-openapi)'`,
      '--',
      '.',
      ':!package-lock.json',
      ':!test/integration/fresh-clone.test.ts',
    ]);
    expect(found.out, 'references to ../shared in the clone').toBe('');
  });

  it('holds its own radosgw start and stop scripts, and the harness finds them', () => {
    for (const name of ['start.sh', 'stop.sh']) {
      const script = join(clone, 'test', 'support', 'radosgw', name);
      expect(existsSync(script), `${name} is committed`).toBe(true);
      expect(statSync(script).mode & 0o111, `${name} is executable`).not.toBe(0);
      const syntax = run(clone, 'bash', ['-n', script]);
      expect(syntax.status, syntax.out).toBe(0);
    }
    const probe = run(clone, process.execPath, [
      '--input-type=module',
      '-e',
      "const m = await import('./test/support/radosgw.ts'); console.log(m.radosgwMissing() ?? 'ready')",
    ]);
    expect(probe.out).not.toMatch(/not found/);
  });

  it("holds BioT's OpenAPI documents, each version named in spec/biot/README.md", () => {
    const readme = readFileSync(join(clone, 'spec', 'biot', 'README.md'), 'utf8');
    for (const service of ['file', 'ums', 'device', 'generic-entity', 'organization']) {
      const doc = JSON.parse(readFileSync(join(clone, 'spec', 'biot', `${service}.json`), 'utf8')) as { openapi: string; info: { version: string } };
      expect(doc.openapi).toMatch(/^3\./);
      expect(readme, `${service}.json's version ${doc.info.version}`).toContain(`\`${service}.json\``);
      expect(readme).toContain(doc.info.version);
    }
    const check = run(clone, process.execPath, [
      '--input-type=module',
      '-e',
      "const v = await import('./test/support/openapi-validator.ts'); v.validateResponse('file', 'GET', '/v1/files/{id}/download', 200, { signedUrl: 'https://x', expirationTime: '2030-01-01T00:00:00Z' }); console.log('valid')",
    ]);
    expect(check.out).toContain('valid');
  });

  it('npm run gen:biot regenerates app/biot/generated identically from spec/biot', () => {
    const env = { ...process.env };
    delete env.BIOT_OPENAPI_DIR;
    const gen = run(clone, 'npm', ['run', '--silent', 'gen:biot'], env);
    expect(gen.status, gen.out).toBe(0);
    expect(run(clone, 'git', ['status', '--porcelain', '--', 'app']).out).toBe('');
  });

  it('npm install builds the window, so serve and start show it with no extra command', async () => {
    const pkg = JSON.parse(readFileSync(join(clone, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    // npm install and npm ci run `prepare` in a clone; run that same script here.
    expect(pkg.scripts.prepare, 'package.json needs a prepare script that builds the window').toMatch(/build:ui|vite build/);
    const prepared = run(clone, 'npm', ['run', 'prepare']);
    expect(prepared.status, prepared.out).toBe(0);
    expect(existsSync(join(clone, 'renderer', 'dist', 'index.html'))).toBe(true);
    // And the headless CLI's bundle, which bin/device-uploader.js runs from here on (test/integration/cli-bundle.test.ts).
    expect(existsSync(join(clone, 'out', 'cli', 'cli.js'))).toBe(true);

    const inbox = join(root, 'inbox');
    mkdirSync(inbox);
    const configFile = join(root, 'config.json');
    // A server nobody answers on: the window must show whatever the engine's state.
    writeFileSync(
      configFile,
      JSON.stringify({
        dataDir: join(root, 'data'),
        server: { baseUrl: 'http://127.0.0.1:9', auth: { type: 'user', username: 'clone-test', password: 'not-a-secret' } },
        folders: [{ id: 'inbox', path: inbox }],
      }),
    );
    const serve = startCli(clone, ['serve', '--config', configFile]);
    try {
      const address = await serve.waitForOutput(/(http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/, 'serve to print its address');
      const page = await fetchWindow(address);
      expect(page.status, page.body).toBe(200);
      expect(page.type).toMatch(/text\/html/);
      expect(page.body).toMatch(/<!doctype html>/i);
    } finally {
      expect(await serve.stop(), serve.output()).toBe(130);
    }

    const start = startCli(clone, ['start', '--inbox', join(root, 'demo-inbox')], { ...process.env, DEVICE_UPLOADER_HOME: join(root, 'home') });
    try {
      const address = await start.waitForOutput(/Queue window: (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/, 'start to print the queue window');
      const page = await fetchWindow(address);
      expect(page.status, page.body).toBe(200);
      expect(page.body).toMatch(/<!doctype html>/i);
    } finally {
      expect(await start.stop(), start.output()).toBe(130);
    }
  }, 120_000);
});
