// Issue 18: `serve` and `start` keep their window's address across restarts
// (so an open tab reconnects by itself), a second one on a data folder in use
// says where the running one's window is, and `serve` prints a refused login
// on its console. Real CLI processes, real loopback HTTP; BioT is the disk
// sandbox (no S3 needed).
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADDRESS_FILE } from '../../app/cli/window-address.ts';
import { startCli, type CliProcess } from '../support/cli-process.ts';
import { createWorld, writeRandomFile, type World } from '../support/engine-harness.ts';
import { until } from '../support/wait.ts';

const repo = join(import.meta.dirname, '..', '..');
const ADDRESS = /(http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{43})/;

describe('the window’s address across restarts', () => {
  let root: string;
  let configFile: string;
  const running: CliProcess[] = [];
  const cli = (args: string[], env: NodeJS.ProcessEnv = process.env) => {
    const p = startCli(repo, args, env);
    running.push(p);
    return p;
  };

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'du-address-'));
    configFile = join(root, 'config.json');
    // No folders and a BioT address nothing listens on: nothing is uploaded, nothing leaves the PC.
    writeFileSync(
      configFile,
      JSON.stringify({
        dataDir: join(root, 'data'),
        server: { baseUrl: 'http://127.0.0.1:9', auth: { type: 'user', username: 'u', password: 'p' } },
        folders: [],
      }),
    );
  });
  afterEach(async () => {
    for (const p of running.splice(0)) await p.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('serves on the same address after a restart; a second serve or start says where the running window is', async () => {
    const first = cli(['serve', '--config', configFile]);
    const address = await first.waitForOutput(ADDRESS, 'the window address');
    expect(statSync(join(root, 'data', ADDRESS_FILE)).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(root, 'data', ADDRESS_FILE), 'utf8')).toContain(new URL(address).searchParams.get('token')!);

    const second = cli(['serve', '--config', configFile]);
    expect(await second.exited()).toBe(1);
    expect(second.output()).toContain(`Its queue window: ${address}`);
    expect(second.output()).toMatch(/already running on the data folder/);
    // `start` is what a person runs to get the window: being told where it is, is success.
    const third = cli(['start', '--config', configFile]);
    expect(await third.exited()).toBe(0);
    expect(third.output()).toContain(`Its queue window: ${address}`);

    expect(await first.stop()).toBe(130);
    const again = cli(['serve', '--config', configFile]);
    expect(await again.waitForOutput(ADDRESS, 'the window address after the restart')).toBe(address);
  }, 60_000);

  it('moves to a free port, with a new token, when another program took the saved one', async () => {
    const first = cli(['serve', '--config', configFile]);
    const address = new URL(await first.waitForOutput(ADDRESS, 'the window address'));
    await first.stop();
    const squatter = createServer((_, res) => res.end('someone else'));
    await new Promise<void>((ready) => squatter.listen(Number(address.port), '127.0.0.1', ready));
    try {
      // Something answers on the saved port, but not as Device Uploader does: no address is claimed for it.
      const next = cli(['serve', '--config', configFile]);
      const moved = new URL(await next.waitForOutput(ADDRESS, 'the new window address'));
      expect(moved.port).not.toBe(address.port);
      expect(moved.searchParams.get('token')).not.toBe(address.searchParams.get('token'));
      const second = cli(['serve', '--config', configFile]);
      expect(await second.exited()).toBe(1);
      expect(second.output()).toContain(`Its queue window: ${moved.href}`);
    } finally {
      squatter.closeAllConnections();
      await new Promise((done) => squatter.close(done));
    }
  }, 60_000);
});

describe('serve on its console', () => {
  let world: World;
  let serve: CliProcess | undefined;

  beforeEach(async () => {
    world = await createWorld(undefined);
  });
  afterEach(async () => {
    await serve?.stop();
    await world.dispose();
  });

  it('prints a refused login, without the user name or the password', async () => {
    const configFile = join(world.root, 'config.json');
    const wrong = 'not-the-password-4711';
    writeFileSync(
      configFile,
      JSON.stringify({
        dataDir: join(world.root, 'data'),
        server: { baseUrl: world.sandbox.url, auth: { type: 'user', username: world.sandbox.credentials.user.username, password: wrong } },
        folders: [{ id: 'holter', path: world.inbox, quietSeconds: 0.2 }],
      }),
    );
    writeFileSync(join(world.inbox, 'holter-0201.edf'), 'an export\n'.repeat(1000));
    serve = startCli(repo, ['serve', '--config', configFile]);
    await serve.waitForOutput(/BioT refused the login: uploads wait\..*\n/, 'the refused login on the console');
    expect(serve.output()).not.toContain(wrong);
    expect(serve.output()).not.toContain(world.sandbox.credentials.user.username);
  }, 60_000);

  it('says once, after a restart, how many uploads resumed where they stopped', async () => {
    const configFile = join(world.root, 'config.json');
    writeFileSync(
      configFile,
      JSON.stringify({
        dataDir: join(world.root, 'data'),
        server: { baseUrl: world.sandbox.url, auth: { type: 'user', ...world.sandbox.credentials.user } },
        folders: [{ id: 'holter', path: world.inbox, quietSeconds: 0.2 }],
        // Slow enough to be stopped mid-upload.
        transfer: { partSizeMiB: 5, maxBytesPerSecond: 2 * 1024 * 1024 },
      }),
    );
    writeRandomFile(join(world.inbox, 'holter-0202.edf'), 16 * 1024 * 1024);
    serve = startCli(repo, ['serve', '--config', configFile]);
    await until('a part to reach BioT', () => world.sandbox.calls('storage.putPart') >= 1, 30_000);
    expect(serve.output()).not.toMatch(/resumed/);
    await serve.stop();
    serve = startCli(repo, ['serve', '--config', configFile]);
    await serve.waitForOutput(/^1 upload resumed where it stopped/m, 'the resumed upload said on the console');
  }, 60_000);
});
