// The sandbox command as a process: first line carries the URL, the service
// answers a login there, SIGTERM stops it with exit 0, bad flags exit non-zero.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createBiotClient } from '../../app/biot/index.ts';
import { openNet } from '../../app/net/index.ts';

const entry = resolve(import.meta.dirname, '..', '..', 'app', 'sandbox', 'command-main.ts');

describe('sandbox command', () => {
  it('prints its URL first, answers a login there and exits 0 on SIGTERM', async () => {
    const child = spawn(process.execPath, [entry, '--port', '0', '--token-ttl', '60'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = once(child, 'exit');
    try {
      const lines = createInterface({ input: child.stdout });
      const iterator = lines[Symbol.asyncIterator]();
      const first = (await iterator.next()).value as string;
      const match = /^BioT sandbox listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(first);
      expect(match, first).not.toBeNull();
      const second = (await iterator.next()).value as string;
      expect(second).toContain('clinic@sandbox.local');
      const login = await fetch(`${match?.[1]}/ums/v2/users/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'clinic@sandbox.local', password: 'sandbox-password' }),
      });
      expect(login.status).toBe(200);
      const expiry = Date.parse(((await login.json()) as { accessJwt: { expiration: string } }).accessJwt.expiration);
      expect(expiry - Date.now()).toBeLessThanOrEqual(60_000);
      child.kill('SIGTERM');
      const [code, signal] = await exited;
      expect({ code, signal }).toEqual({ code: 0, signal: null });
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('--https: serves over TLS with a private CA made by openssl, names the CA file, and removes it when stopped', async () => {
    const child = spawn(process.execPath, [entry, '--port', '0', '--https', '--host-name', 'localhost'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = once(child, 'exit');
    try {
      const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
      const url = /^BioT sandbox listening on (https:\/\/localhost:\d+)$/.exec((await lines.next()).value as string)?.[1];
      expect(url).toBeDefined();
      let caLine = '';
      while (!caLine.startsWith('CA certificate')) caLine = (await lines.next()).value as string;
      const caFile = caLine.split(': ').at(-1) as string;
      const net = openNet({ proxy: 'none', caFile }, { env: {} });
      const client = createBiotClient({
        baseUrl: url as string,
        auth: { type: 'user', username: 'clinic@sandbox.local', password: 'sandbox-password' },
        net,
      });
      await expect(client.tokens.token()).resolves.toMatch(/\./);
      await client.close();
      // Without that CA the same server is refused, naming its issuer.
      const untrusted = createBiotClient({
        baseUrl: url as string,
        auth: { type: 'user', username: 'x', password: 'y' },
        net: openNet({ proxy: 'none' }, { env: {} }),
      });
      await expect(untrusted.tokens.token()).rejects.toThrow(/issued by "Device Uploader Sandbox CA"/);
      await untrusted.close();
      child.kill('SIGTERM');
      expect((await exited)[0]).toBe(0);
      expect(existsSync(caFile)).toBe(false);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('refuses bad flags with one clear line and a non-zero exit', async () => {
    for (const args of [
      ['--port', 'abc'],
      ['--bogus'],
      ['--s3-endpoint', 'http://127.0.0.1:1'],
      ['--link-ttl', '-3'],
      ['--tls-cert', 'x'],
      ['--host-name', 'a b'],
    ]) {
      const child = spawn(process.execPath, [entry, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const [code] = await once(child, 'exit');
      expect(code, args.join(' ')).not.toBe(0);
      expect(stderr.split('\n')[0]).toMatch(/^device-uploader sandbox: /);
    }
  });
});
